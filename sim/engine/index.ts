export { Environment, type EventHandler } from './environment.js';
export { EventQueue } from './event-queue.js';
export { RandomStream, RandomStreams } from './random.js';
