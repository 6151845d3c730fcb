/**
 * Synthesizes the baseline app for one landing-zone size into `CDKTF_OUTDIR`.
 * Usage: `node baseline.js SERVICES ACCOUNTS`.
 */
import { layoutLandingZone } from '../generate';
import { buildBaselineApp } from '../baseline/landing-zone';

const [services, accounts] = process.argv.slice(2).map(Number);
buildBaselineApp(layoutLandingZone({ services, accounts }), process.env.CDKTF_OUTDIR ?? 'cdktf.out').synth();
