import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER, requestMetaFrom } from "./request-meta";

const peer = (address: string, more: Record<string, string> = {}) =>
  new Headers({ [PEER_ADDRESS_HEADER]: address, ...more });

describe("clientAddress", () => {
  it("with no proxy declared, takes the socket's address and ignores what the client claims", () => {
    const headers = peer("10.1.1.1", { "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" });
    expect(clientAddress(headers, {})).toBe("10.1.1.1");
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "0" })).toBe("10.1.1.1");
    expect(
      clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" }), {}),
    ).toBeNull();
  });

  it("behind N appending proxies, takes the N-th entry from the right, ignoring what the client prepended", () => {
    const headers = peer("172.16.0.9", { "x-forwarded-for": "6.6.6.6, 10.1.1.1, 172.16.0.2" });
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "1" })).toBe("172.16.0.2");
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "2" })).toBe("10.1.1.1");
  });

  it("falls back to the socket when fewer entries arrived than proxies are declared", () => {
    const headers = peer("172.16.0.9", { "x-forwarded-for": "6.6.6.6" });
    expect(clientAddress(headers, { THROUGHLINE_PROXY_HOPS: "2" })).toBe("172.16.0.9");
  });

  it("writes an IPv4 client seen through an IPv6 socket as IPv4", () => {
    expect(clientAddress(peer("::ffff:127.0.0.1"), {})).toBe("127.0.0.1");
    expect(clientAddress(peer("2001:db8::1"), {})).toBe("2001:db8::1");
  });

  it("gives the audit the same address", () => {
    const saved = process.env.THROUGHLINE_PROXY_HOPS;
    delete process.env.THROUGHLINE_PROXY_HOPS;
    try {
      expect(requestMetaFrom(peer("10.4.4.4", { "x-forwarded-for": "6.6.6.6" })).clientAddress).toBe(
        "10.4.4.4",
      );
    } finally {
      if (saved !== undefined) process.env.THROUGHLINE_PROXY_HOPS = saved;
    }
  });
});
