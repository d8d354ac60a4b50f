// JetStream on the broker: per-account streams and consumers on @switchboard/stream-store,
// answering the $JS.API subjects as nats-server 2.9 does. See README.md.
export {};
