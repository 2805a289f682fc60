import type { Source } from './sources.js';

/**
 * `GET /sourceConfig/`: a stand-in for the control plane's answer to the browser SDK. It describes the
 * source (id, name, whether it is enabled) with no destinations, which is what a data plane that only
 * stores events has. The write key itself is not repeated.
 */
export function sourceConfigJson(source: Source): string {
  return JSON.stringify({
    isHosted: false,
    source: {
      id: source.id,
      name: source.name,
      enabled: !source.disabled,
      deleted: false,
      workspaceId: 'local',
      config: {},
      sourceDefinition: { name: 'Javascript', displayName: 'JavaScript', category: null },
      destinations: [],
    },
  });
}
