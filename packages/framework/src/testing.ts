// @pakeana/framework/testing: the test kit for plugin authors (crafted traffic, captures run
// through the whole pipeline with the plugins under test).
export * from './testing/dissect-capture.js';
export * from './testing/growth.js';
export * from './testing/packet-builder.js';
