export { setupRun } from './run-setup.js';
