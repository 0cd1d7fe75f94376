/** See service-heap.js: the services' V8 heap cap, as production sets it. */
export declare const SERVICE_NODE_OPTIONS: string;
/** See service-heap.js: glibc malloc arenas per service process, as production sets it. */
export declare const SERVICE_MALLOC_ARENA_MAX: string;
