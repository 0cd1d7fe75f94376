/** See service-heap.js: the services' V8 heap cap, as production sets it. */
export declare const SERVICE_NODE_OPTIONS: string;
