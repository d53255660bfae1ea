import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { PluginRegistry, configJsonSchema, defaultServices } from '@pakeana/framework/internal';
import { failUsage } from '../../errors.js';
import { BUNDLED_TRIGGER_PLUGINS } from '../../trigger-setup.js';

export default class ConfigSchema extends Command {
  static override summary = 'Print the JSON Schema of the config file (from the zod schemas), for editor completion.';
  static override examples = ['<%= config.bin %> config schema > pakeana.schema.json'];
  static override flags = {
    plugin: Flags.string({ char: 'p', multiple: true, description: 'also include the dissectors and triggers of this plugin (their options)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConfigSchema);
    const registry = new PluginRegistry(defaultServices());
    await registry.load([...BUNDLED_TRIGGER_PLUGINS, ...(flags.plugin ?? [])]).catch((error) => failUsage(this, error));
    this.log(JSON.stringify(configJsonSchema(registry), null, 2));
  }
}
