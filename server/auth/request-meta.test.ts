import { describe, expect, it } from "vitest";
import { clientAddress } from "./request-meta";

describe("clientAddress", () => {
  it("takes the only entry when no proxy is declared", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "10.1.1.1" }), {})).toBe("10.1.1.1");
  });

  it("behind N appending proxies, ignores what the client prepended", () => {
    const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 10.1.1.1, 172.16.0.2" });
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "1" })).toBe("172.16.0.2");
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "2" })).toBe("10.1.1.1");
  });

  it("writes an IPv4 client seen through an IPv6 socket as IPv4", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }), {})).toBe("127.0.0.1");
    expect(clientAddress(new Headers({ "x-forwarded-for": "2001:db8::1" }), {})).toBe("2001:db8::1");
  });

  it("falls back to X-Real-IP, then to nothing", () => {
    expect(clientAddress(new Headers({ "x-real-ip": "10.2.2.2" }), {})).toBe("10.2.2.2");
    expect(clientAddress(new Headers(), {})).toBeNull();
  });
});
