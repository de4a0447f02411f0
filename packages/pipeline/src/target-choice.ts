import type { TemplateOs } from '@vzferry/guest';
import type { TargetMappings } from './stage-deps';
// The service offering and OS type a container gets, from the mappings an
// engineer maintains on the Settings page. preflight and deploy_vm ask the
// same questions and must get the same answers.

export function pickOffering(m: TargetMappings, ramMb: number | null, cpus: number | null) {
  const ram = ramMb ?? 0;
  const cores = cpus || 1;
  return (
    m.offerings
      .filter((o) => o.maxRamMb >= ram && o.maxCpus >= cores)
      .sort((a, b) => a.maxRamMb - b.maxRamMb || a.maxCpus - b.maxCpus)[0] ?? null
  );
}

export function pickOsType(m: TargetMappings, os: TemplateOs) {
  return m.osTypes.find((t) => t.distribution === os.distribution && t.version === os.version) ?? null;
}
