/** The SFT model itself (π_ref): every sweep's step-0 point, trained by no one here. */
import { algorithm } from './algorithm';

export const sft = algorithm({
  id: 'sft',
  label: 'SFT',
  colour: 'var(--text)',
  kind: 'reference',
  trl: 'reference',
  schema: {},
  names: () => ({ id: 'sft', label: 'SFT' }),
  builder: null,
  trainer: null,
});
