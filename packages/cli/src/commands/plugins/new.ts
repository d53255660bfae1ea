import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { Conversation, pcapFile } from '@pakeana/framework/testing';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { failUsage } from '../../errors.js';

/** The templates, one directory per kind, next to dist/ in the installed package. */
const TEMPLATES = join(__dirname, '..', '..', '..', 'templates');

/** A plugin's short name: its records' key and its marks' prefix, so a word npm and config files both take as is. */
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** An npm scope (`@acme`). */
const SCOPE = /^@[a-z0-9][a-z0-9._-]*$/;
/** npm refuses package names longer than this. */
const NPM_NAME_LIMIT = 214;

/** The traffic of a template's golden capture (`fixture.json` in the template): what `Conversation` plays. */
interface Fixture {
  conversations: { client: string; server: string; start?: number; steps: [string, string | number][]; end: 'close' | 'reset' }[];
}

export default class PluginsNew extends Command {
  static override summary = 'Make a TypeScript plugin package that builds, tests and packs as it is.';
  static override description =
    'Creates DIR/pakeana-dissector-NAME (or pakeana-trigger-NAME with --kind trigger): the plugin with a probe, records, display lines and declared options, a unit test on crafted traffic and a golden test on a small capture (test/fixtures). Then: npm install, npm test, npm pack. An existing directory is never overwritten.';
  static override examples = [
    '<%= config.bin %> plugins new smtp',
    '<%= config.bin %> plugins new @acme/smtp --dir ~/src',
    '<%= config.bin %> plugins new slow-smtp --kind trigger',
  ];
  static override args = {
    name: Args.string({ required: true, description: 'the protocol or trigger name (lowercase letters, digits, dashes), optionally @SCOPE/NAME' }),
  };
  static override flags = {
    dir: Flags.string({ description: 'the directory to create the package in (default: the current directory)' }),
    kind: Flags.string({ options: ['dissector', 'trigger'], default: 'dissector', description: 'a dissector or a trigger package' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PluginsNew);
    const kind = flags.kind as 'dissector' | 'trigger';
    let names: TemplateNames;
    try {
      names = templateNames(args.name, kind);
    } catch (error) {
      return failUsage(this, error);
    }
    const target = resolve(flags.dir ?? '.', names.directory);
    if (existsSync(target)) return failUsage(this, `${target} already exists: nothing was written (choose another name or --dir)`);
    const template = join(TEMPLATES, kind);
    copyTemplate(template, target, names);
    const fixture = JSON.parse(readFileSync(join(template, 'fixture.json'), 'utf8')) as Fixture;
    writeFileSync(join(target, 'test', 'fixtures', `${names.name}.pcap`), pcapFile(fixture.conversations.flatMap(play)));
    const nearby = relative(process.cwd(), target);
    const shown = nearby.startsWith('..') ? target : nearby;
    this.log(`Created ${names.packageName} in ${shown}. Next:`);
    this.log(`  cd ${shown}`);
    this.log('  npm install && npm test && npm pack');
    this.log(`Then: npm install ${names.packageName}-0.1.0.tgz next to pakeana, and pakeana read CAPTURE --plugin ${names.name}`);
  }
}

/** What the template's placeholders become. */
interface TemplateNames {
  /** `smtp`: records key, marks prefix, `--plugin` name. */
  name: string;
  /** `pakeana-dissector-smtp` or `@acme/pakeana-dissector-smtp`. */
  packageName: string;
  /** The directory made: the package name without its scope. */
  directory: string;
  /** `SMTP`: how people write it. */
  label: string;
  /** `smtp`, `slowSmtp`: a variable name. */
  ident: string;
  /** `Smtp`, `SlowSmtp`: a type name prefix. */
  type: string;
  /** The framework versions the plugin is built for (`^0.1.0`). */
  frameworkRange: string;
}

/** The names for `NAME` or `@SCOPE/NAME`; throws a usage message for a name npm or a config file would not take. */
function templateNames(given: string, kind: 'dissector' | 'trigger'): TemplateNames {
  const parts = given.split('/');
  const [scope, name] = parts.length === 2 ? parts : [undefined, given];
  if (scope !== undefined && !SCOPE.test(scope)) throw new Error(`"${given}": a scope is @ and lowercase letters, digits, dashes (e.g. @acme/smtp)`);
  if (!name || !NAME.test(name)) {
    throw new Error(`"${given}": a plugin name is lowercase letters and digits, words joined by single dashes, starting with a letter (e.g. smtp, my-proto)`);
  }
  const directory = `pakeana-${kind}-${name}`;
  const packageName = scope ? `${scope}/${directory}` : directory;
  if (packageName.length > NPM_NAME_LIMIT) throw new Error(`"${given}": the package name would be longer than npm's ${NPM_NAME_LIMIT} characters`);
  const words = name.split('-');
  const type = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const version = (JSON.parse(readFileSync(require.resolve('@pakeana/framework/package.json'), 'utf8')) as { version: string }).version;
  return { name, packageName, directory, label: name.toUpperCase(), ident: type[0]!.toLowerCase() + type.slice(1), type, frameworkRange: `^${version}` };
}

/** Copies the template with its placeholders filled; `gitignore` becomes `.gitignore` (npm drops dot-files named so from packages). */
function copyTemplate(from: string, to: string, names: TemplateNames): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry === 'fixture.json') continue;
    const source = join(from, entry);
    const target = join(to, fill(entry === 'gitignore' ? '.gitignore' : entry, names));
    if (statSync(source).isDirectory()) copyTemplate(source, target, names);
    else writeFileSync(target, fill(readFileSync(source, 'utf8'), names));
  }
}

function fill(text: string, names: TemplateNames): string {
  return text
    .replaceAll('__PACKAGE__', names.packageName)
    .replaceAll('__FRAMEWORK_RANGE__', names.frameworkRange)
    .replaceAll('__LABEL__', names.label)
    .replaceAll('__IDENT__', names.ident)
    .replaceAll('__TYPE__', names.type)
    .replaceAll('__NAME__', names.name);
}

/** The frames of one fixture conversation. */
function play(spec: Fixture['conversations'][number]) {
  const c = new Conversation(spec.client, spec.server, { start: spec.start }).handshake();
  for (const [who, what] of spec.steps) {
    if (who === 'wait') c.wait(Number(what));
    else c.send(who as 'client' | 'server', String(what));
  }
  return (spec.end === 'reset' ? c.reset('client') : c.close()).frames;
}
