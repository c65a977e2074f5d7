// A container healthcheck for images without a shell or curl:
//   node /usr/local/lib/switchyard/healthcheck.mjs [url]
// With no url: http://127.0.0.1:$PORT/readyz. An http(s) url must answer 2xx; a tcp://host:port
// url must accept a connection. Exits 0 if so, 1 otherwise, within 3 s.
import { connect } from 'node:net';

const target = new URL(process.argv[2] ?? `http://127.0.0.1:${process.env.PORT}/readyz`);
const healthy = () => process.exit(0);
const unhealthy = () => process.exit(1);
setTimeout(unhealthy, 3_000).unref();

if (target.protocol === 'tcp:') {
  connect(Number(target.port), target.hostname).on('connect', healthy).on('error', unhealthy);
} else {
  fetch(target).then((response) => (response.ok ? healthy() : unhealthy()), unhealthy);
}
