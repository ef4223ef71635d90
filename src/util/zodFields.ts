/** Number fields of the zod schemas, with the messages a config error shows ("steps: must be ≥ 1"). */
import { z } from 'zod';

/** An integer ≥ min. */
export const int = (min: number) =>
  z.number().int('must be an integer').min(min, `must be ≥ ${min}`);

/** A number > 0. */
export const positive = () => z.number().positive('must be > 0');
