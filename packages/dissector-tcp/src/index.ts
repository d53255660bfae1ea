export { TcpAnalyzer } from './tcp-analyzer.js';
export { TcpStateTracker } from './tcp-state.js';
