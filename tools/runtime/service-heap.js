'use strict';
// The services' V8 heap cap, as the image (Dockerfile) and the Kubernetes manifests set it:
// local runs (npm start, the bench, the soak) use the same, so their memory figures are the
// ones production would see. Without it V8 sizes the heap from the machine's RAM and grows it
// lazily, which reads as a leak in an RSS trend.
const SERVICE_NODE_OPTIONS = '--max-old-space-size=192';

// glibc's malloc gives threads that allocate at once their own arenas (up to 8 per core), and
// memory freed in one arena is not reused by another: with Node's libuv and V8 helper threads
// that can grow the resident set outside the JS heap. Two arenas limit it; the soak judges
// memory with them (docs/reliability.md has what the runs with and without showed).
const SERVICE_MALLOC_ARENA_MAX = '2';

module.exports = { SERVICE_NODE_OPTIONS, SERVICE_MALLOC_ARENA_MAX };
