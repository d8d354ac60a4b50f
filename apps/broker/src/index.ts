export { startBroker, type Broker } from './broker.js';
