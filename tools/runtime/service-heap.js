'use strict';
// The services' V8 heap cap, as the image (Dockerfile) and the Kubernetes manifests set it:
// local runs (npm start, the bench, the soak) use the same, so their memory figures are the
// ones production would see. Without it V8 sizes the heap from the machine's RAM and grows it
// lazily, which reads as a leak in an RSS trend.
const SERVICE_NODE_OPTIONS = '--max-old-space-size=192';

module.exports = { SERVICE_NODE_OPTIONS };
