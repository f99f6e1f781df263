import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux reports CPU time in clock ticks; 100 per second on every kernel we run on. */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself contain spaces or parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
}

/** The pid and every descendant: `tsx` runs the real script in a child, and PostgreSQL forks a process per connection. */
export function processTree(rootPid: number): number[] {
  const stats = allStats();
  const tree = [rootPid];
  for (let index = 0; index < tree.length; index += 1) {
    for (const stat of stats) if (stat.ppid === tree[index]) tree.push(stat.pid);
  }
  return tree;
}

export function residentMegabytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface TreeMemory {
  /** The largest process of the tree: the server itself, not the `tsx` launcher in front of it. */
  mainMb: number;
  treeMb: number;
}

export function treeMemory(rootPid: number): TreeMemory {
  const sizes = processTree(rootPid).map(residentMegabytes);
  return { mainMb: Math.max(0, ...sizes), treeMb: sizes.reduce((sum, size) => sum + size, 0) };
}

/** A process to watch; `tree: false` for the bench process itself, whose children are watched on their own. */
export interface WatchedProcess {
  pid: number;
  tree: boolean;
}

export type WatchedProcesses = Record<string, WatchedProcess>;

/** Ticks the whole machine spent busy and waiting for I/O, from the first line of /proc/stat. */
function machineTicks(): { busy: number; ioWait: number; total: number } {
  const [user, nice, system, idle, ioWait, irq, softIrq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softIrq + steal;
  return { busy, ioWait, total: busy + idle + ioWait };
}

function cpuTicks(watched: WatchedProcess): number {
  if (!watched.tree) return readStat(watched.pid)?.cpuTicks ?? 0;
  const stats = new Map(allStats().map((stat) => [stat.pid, stat]));
  return processTree(watched.pid).reduce((sum, pid) => sum + (stats.get(pid)?.cpuTicks ?? 0), 0);
}

/**
 * CPU use of each watched process tree over a phase, in % of one core (200 % = both cores of this
 * machine), plus `others` (every process not ours: the machine is shared) and `iowait`.
 */
export class CpuMeter {
  private readonly startTicks = new Map<string, number>();
  private readonly startedAt = Date.now();
  private readonly startMachine = machineTicks();

  constructor(private readonly processes: WatchedProcesses) {
    for (const [name, watched] of Object.entries(processes)) this.startTicks.set(name, cpuTicks(watched));
  }

  read(): Record<string, number> {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const usage: Record<string, number> = {};
    for (const [name, watched] of Object.entries(this.processes)) {
      // A tree loses the ticks of children that exited (PostgreSQL backends): never report less than nothing.
      const used = Math.max(0, cpuTicks(watched) - (this.startTicks.get(name) ?? 0)) / CLOCK_TICKS_PER_SECOND;
      usage[name] = Math.round((used / seconds) * 100);
    }
    const machine = machineTicks();
    const elapsedTicks = Math.max(machine.total - this.startMachine.total, 1);
    const cores = cpus().length;
    const machineBusy = ((machine.busy - this.startMachine.busy) / elapsedTicks) * cores * 100;
    const ours = Object.values(usage).reduce((sum, value) => sum + value, 0);
    usage.others = Math.max(0, Math.round(machineBusy - ours));
    usage.iowait = Math.round(((machine.ioWait - this.startMachine.ioWait) / elapsedTicks) * cores * 100);
    return usage;
  }
}
