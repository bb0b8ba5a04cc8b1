// SHA-256 known answers shared by the suites of both implementations.

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

// FIPS 180-4 examples (NIST CSRC "Examples with intermediate values") and SHA256ShortMsg.rsp (CAVP SHAVS).
export const NIST_VECTORS: { name: string; message: () => Uint8Array; digest: string }[] = [
  {
    name: 'empty',
    message: () => new Uint8Array(0),
    digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  {
    name: '"abc"',
    message: () => ascii('abc'),
    digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  {
    name: '448-bit two-block message',
    message: () => ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    digest: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  {
    name: '896-bit message',
    message: () =>
      ascii(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
    digest: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  },
  {
    name: 'one million "a"',
    message: () => new Uint8Array(1_000_000).fill(0x61),
    digest: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
  },
  {
    name: 'ShortMsg Len=8',
    message: () => hex('d3'),
    digest: '28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1',
  },
  {
    name: 'ShortMsg Len=16',
    message: () => hex('11af'),
    digest: '5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98',
  },
  {
    name: 'ShortMsg Len=24',
    message: () => hex('b4190e'),
    digest: 'dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2',
  },
  {
    name: 'ShortMsg Len=32',
    message: () => hex('74ba2521'),
    digest: 'b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e',
  },
];

// FIPS 180-4 examples for SHA-512 (NIST CSRC "Examples with intermediate values"): empty, one block, two
// blocks, and the million-"a" long message.
export const SHA512_VECTORS: { name: string; message: () => Uint8Array; digest: string }[] = [
  {
    name: 'empty',
    message: () => new Uint8Array(0),
    digest:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  {
    name: '"abc"',
    message: () => ascii('abc'),
    digest:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  {
    name: '896-bit two-block message',
    message: () =>
      ascii(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
    digest:
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  },
  {
    name: 'one million "a"',
    message: () => new Uint8Array(1_000_000).fill(0x61),
    digest:
      'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
  },
];
