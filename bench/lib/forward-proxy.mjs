// A bare server between a client and Twenty, for the benchmark's floor: it forwards each GET to
// TARGET (keep-alive), reads the answer whole, parses and re-serialises the JSON, and answers
// with it, as any server in between must at least do. The minimal plan run through it shows what
// one more process on the path costs on the machine, before any GraphQL work. Plain node:http
// and no dependency, so that the floor is as low as it gets.
import http from 'node:http';

const target = new URL(process.env.TARGET);
const agent = new http.Agent({ keepAlive: true });

http
  .createServer((req, res) => {
    req.resume();
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: 'GET', headers: { authorization: req.headers.authorization ?? '' }, agent },
      (answer) => {
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body = text;
          try {
            body = JSON.stringify(JSON.parse(text));
          } catch {
            // not JSON: passed on as it came
          }
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end();
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
