import { performance } from 'node:perf_hooks';

/** A function returning this process's CPU use since its previous call, as % of one core. */
export function cpuMeter(): () => number {
  let lastCpu = process.cpuUsage();
  let lastWallMs = performance.now();
  return () => {
    const cpu = process.cpuUsage();
    const wallMs = performance.now();
    const busyMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    const percent = (busyMs / Math.max(1, wallMs - lastWallMs)) * 100;
    lastCpu = cpu;
    lastWallMs = wallMs;
    return percent;
  };
}
