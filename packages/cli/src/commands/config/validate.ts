import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { PluginRegistry, TriggerBuilder, defaultServices, formatProblem, loadConfig } from '@pakeana/framework/internal';
import { failUsage } from '../../errors.js';
import { BUNDLED_TRIGGER_PLUGINS } from '../../trigger-setup.js';

export default class ConfigValidate extends Command {
  static override summary = 'Check a YAML config file; print each problem as FILE:LINE:COL: field: message.';
  static override description = 'Exit status 0 when the file is valid, 2 when it has problems (all of them are printed).';
  static override examples = ['<%= config.bin %> config validate triggers.yaml'];
  static override args = { file: Args.string({ required: true, description: 'the YAML config file' }) };
  static override flags = {
    plugin: Flags.string({ char: 'p', multiple: true, description: 'also load this plugin, as read and capture do (for its dissector options and triggers)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigValidate);
    const registry = new PluginRegistry(defaultServices());
    await registry.load([...BUNDLED_TRIGGER_PLUGINS, ...(flags.plugin ?? [])]).catch((error) => failUsage(this, error));
    const result = await loadConfig(args.file, registry, new TriggerBuilder(registry, registry.services));
    if (result.ok) {
      this.log(`${args.file}: ok`);
      return;
    }
    for (const problem of result.problems) process.stderr.write(`${formatProblem(args.file, problem)}\n`);
    this.exit(2);
  }
}
