import type { PluginModule } from '@pakeana/framework';
// The TLS record's type, for `isRecord('tls', ...)` (declaration merging; types only).
import type {} from '@pakeana/dissector-tls';

const plugin: PluginModule = { apiVersion: 1, triggers: [] };
export default plugin;
