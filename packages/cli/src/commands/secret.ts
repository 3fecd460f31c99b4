import { randomBytes } from 'node:crypto';
import type { Command } from '../command.js';

export const secretCommand: Command = {
  name: 'secret',
  summary: 'print a fresh 256-bit secret (64 hex characters) for TESSERA_SECRET',
  usage: 'tessera secret\n\nPrints 32 random bytes from the operating system CSPRNG as 64 hex characters.',
  async run(_args, io) {
    io.out(randomBytes(32).toString('hex'));
    return 0;
  },
};
