import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-meta";
import { DEFAULT_TIMEOUTS, stampPeerAddress, timeoutsFromEnv } from "./web-server";

/** A real node:http server doing what startWebServer does to each request before Next sees it. */
describe("stampPeerAddress", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      stampPeerAddress(req);
      // Both views Next may build its Request from.
      const raw = req.rawHeaders.filter(
        (_, i) => i % 2 === 1 && req.rawHeaders[i - 1]!.toLowerCase() === PEER_ADDRESS_HEADER,
      );
      res.end(JSON.stringify({ header: req.headers[PEER_ADDRESS_HEADER], raw }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sets the socket's address when the client sent none", async () => {
    const seen = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    expect(seen).toEqual({ header: "127.0.0.1", raw: ["127.0.0.1"] });
  });

  it("replaces whatever the client claims, however often and however spelled", async () => {
    // Written by hand: fetch would merge the two spellings into one header.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () =>
        socket.write(
          "GET / HTTP/1.1\r\nHost: x\r\nX-Throughline-Peer-Address: 203.0.113.9\r\n" +
            "x-throughline-peer-address: 198.51.100.1\r\nConnection: close\r\n\r\n",
        ),
      );
      let text = "";
      socket.on("data", (c) => (text += c));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const seen = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(seen).toEqual({ header: "127.0.0.1", raw: ["127.0.0.1"] });
  });
});

describe("timeoutsFromEnv", () => {
  it("has API-sized defaults, and a request timeout never below the headers timeout", () => {
    expect(timeoutsFromEnv({})).toEqual(DEFAULT_TIMEOUTS);
    expect(DEFAULT_TIMEOUTS.requestMs).toBeLessThan(300_000);
    const small = timeoutsFromEnv({
      THROUGHLINE_HEADERS_TIMEOUT_MS: "3000",
      THROUGHLINE_REQUEST_TIMEOUT_MS: "1000",
    });
    expect(small.requestMs).toBe(3000);
    expect(() => timeoutsFromEnv({ THROUGHLINE_REQUEST_TIMEOUT_MS: "soon" })).toThrow(/positive integer/);
  });
});
