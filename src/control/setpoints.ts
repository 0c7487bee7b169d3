/** One stretch of a schedule of setpoints. */
export interface SetpointStage {
  durationMs: number;
  setpointPerSec: number;
}

/**
 * The setpoint at each moment: from the stages while they last (the last one holds after), until
 * it is set by hand, after which the hand-set value holds.
 */
export class SetpointSchedule {
  private override: number | undefined;

  constructor(
    private readonly initialPerSec: number,
    private readonly stages: readonly SetpointStage[] = [],
  ) {}

  set(setpointPerSec: number): void {
    this.override = setpointPerSec;
  }

  at(tMs: number): number {
    if (this.override !== undefined) return this.override;
    let endMs = 0;
    for (const stage of this.stages) {
      endMs += stage.durationMs;
      if (tMs < endMs) return stage.setpointPerSec;
    }
    return this.stages.at(-1)?.setpointPerSec ?? this.initialPerSec;
  }
}
