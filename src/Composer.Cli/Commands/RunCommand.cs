using System.Collections.Immutable;
using System.CommandLine;
using Composer.Core.Loading;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>
/// A one-off container for a service (<c>&lt;project&gt;-&lt;service&gt;-run-&lt;id&gt;</c>, labelled oneoff=True):
/// dependencies are brought up first (unless --no-deps), composer's streams are attached to it (a TTY when composer's
/// stdin and stdout are terminals), and its exit code is composer's.
/// </summary>
internal static class RunCommand
{
    public static Command Create(GlobalOptions global)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run container in background and print container ID" };
        var rm = new Option<bool>("--rm") { Description = "Automatically remove the container when it exits" };
        var noTty = new Option<bool>("--no-TTY", "-T") { Description = "Disable pseudo-TTY allocation (default: a TTY when composer's input and output are terminals)" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Allocate a pseudo-TTY even when composer's output is not a terminal" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep STDIN open even if not attached (default true; --interactive=false to close it)", DefaultValueFactory = _ => true };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables", Arity = ArgumentArity.ZeroOrMore };
        var labels = new Option<string[]>("--label", "-l") { Description = "Add or override a label (KEY=VALUE)", Arity = ArgumentArity.ZeroOrMore };
        var name = new Option<string?>("--name") { Description = "Assign a name to the container" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var user = new Option<string?>("--user", "-u") { Description = "Run as specified username or uid" };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "Override the entrypoint of the image" };
        var noDeps = new Option<bool>("--no-deps") { Description = "Don't start linked services" };
        var servicePorts = new Option<bool>("--service-ports") { Description = "Run command with all service's ports enabled and mapped to the host" };
        var useAliases = new Option<bool>("--use-aliases") { Description = "Use the service's network aliases in the network(s) the container connects to" };
        var publish = new Option<string[]>("--publish", "-p") { Description = "Publish a container's port(s) to the host", Arity = ArgumentArity.ZeroOrMore };
        var volumes = new Option<string[]>("--volume", "-v") { Description = "Bind mount a volume", Arity = ArgumentArity.ZeroOrMore };
        var service = new Argument<string>("SERVICE");
        var args = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("run", "Run a one-off command on a service")
        {
            detach, rm, noTty, tty, interactive, env, labels, name, workdir, user, entrypoint, noDeps, servicePorts, useAliases, publish, volumes, service, args,
        };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var svc = parse.GetValue(service)!;
            var isDetached = parse.GetValue(detach);
            var mode = ExecCommand.Mode(parse.GetValue(noTty), parse.GetValue(tty), parse.GetValue(interactive), isDetached);
            if (parse.GetValue(servicePorts) && parse.GetValue(publish) is { Length: > 0 }) throw new UsageException("--service-ports and --publish are incompatible");
            var project = global.LoadProject(parse, [svc]);
            GlobalOptions.RequireServices(project, [svc]);
            var options = new OneOffOptions
            {
                Name = parse.GetValue(name),
                Command = [.. parse.GetValue(args) ?? []],
                Entrypoint = parse.GetValue(entrypoint) is { } ep ? Words(ep, "--entrypoint") : null,
                Environment = [.. ExecCommand.ExpandEnv(parse.GetValue(env) ?? [])],
                WorkingDir = parse.GetValue(workdir),
                User = parse.GetValue(user),
                ServicePorts = parse.GetValue(servicePorts),
                Publish = Ports(parse.GetValue(publish) ?? []),
                UseAliases = parse.GetValue(useAliases),
                Labels = Labels(parse.GetValue(labels) ?? []),
                Volumes = Volumes(parse.GetValue(volumes) ?? [], project.WorkingDirectory),
                Tty = mode.Tty,
                // Compose keeps a one-off's stdin open with -i (its default), attached or not.
                Interactive = parse.GetValue(interactive),
                Detach = isDetached,
            };
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var result = await actions.RunAsync(new RunRequest(project, svc, options, mode) { NoDeps = parse.GetValue(noDeps), Remove = parse.GetValue(rm) }, TerminalAttach.Instance, ct);
            if (result.Container is null) return ExitCodes.Failure;
            if (result.ExitCode is not { } exit)
            {
                Console.WriteLine(result.Container);
                return ExitCodes.Ok;
            }
            return (int)exit;
        }));
        return command;
    }

    private static ImmutableArray<string> Words(string text, string flag) =>
        ValueParsers.TrySplitShellWords(text, out var words) ? [.. words] : throw new UsageException($"{flag}: unbalanced quotes in \"{text}\"");

    private static ImmutableArray<PortBinding> Ports(IEnumerable<string> values) =>
        [.. values.SelectMany(v => PortSyntax.TryParse(v, out var bindings, out var error) ? bindings : throw new UsageException($"--publish: {error}"))];

    private static ImmutableSortedDictionary<string, string> Labels(IEnumerable<string> values) =>
        values.Select(v => v.Split('=', 2)).Select(p => p.Length == 2 && p[0].Length > 0 ? KeyValuePair.Create(p[0], p[1]) : throw new UsageException("label must be set as KEY=VALUE"))
            .Aggregate(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal), (d, kv) => d.SetItem(kv.Key, kv.Value));

    /// <summary>The short volume syntax, host paths read as the file's are (relative to the project directory, <c>~</c> home).</summary>
    private static ImmutableArray<Mount> Volumes(IEnumerable<string> values, string projectDirectory) =>
        [.. values.Select(v => VolumeSyntax.TryParse(v, out var mount, out var error) ? mount : throw new UsageException($"--volume: {error}"))
            .Select(m => m.Type == MountType.Bind && m.Source is { } source
                ? m with { Source = NormalizerContext.ResolvePath(projectDirectory, source, Environment.GetEnvironmentVariable("HOME")) }
                : m)];
}
