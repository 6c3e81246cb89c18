using System.CommandLine;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>
/// Runs a command in a running service container, as <c>docker compose exec</c>: a TTY when composer's stdin and stdout
/// are terminals, stdin forwarded; the command's exit code is composer's.
/// </summary>
internal static class ExecCommand
{
    public static Command Create(GlobalOptions global)
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Detached mode: Run command in the background" };
        var noTty = new Option<bool>("--no-TTY", "-T") { Description = "Disable pseudo-TTY allocation (default: a TTY when composer's input and output are terminals)" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Allocate a pseudo-TTY even when composer's output is not a terminal" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep STDIN open (default true; --interactive=false to not forward it)", DefaultValueFactory = _ => true };
        var privileged = new Option<bool>("--privileged") { Description = "Give extended privileges to the process" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables", Arity = ArgumentArity.ZeroOrMore };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Path to workdir directory for this command" };
        var user = new Option<string?>("--user", "-u") { Description = "Run the command as this user" };
        var index = new Option<int>("--index") { Description = "Index of the container if service has multiple replicas", DefaultValueFactory = _ => 1 };
        var service = new Argument<string>("SERVICE");
        var args = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Execute a command in a running container") { detach, noTty, tty, interactive, privileged, env, workdir, user, index, service, args };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var mode = Mode(parse.GetValue(noTty), parse.GetValue(tty), parse.GetValue(interactive), parse.GetValue(detach));
            var svc = parse.GetValue(service)!;
            var target = global.ResolveTarget(parse, [svc]);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var exec = new ExecRequest(parse.GetValue(args)!)
            {
                Environment = ExpandEnv(parse.GetValue(env) ?? []),
                WorkingDir = parse.GetValue(workdir),
                User = parse.GetValue(user),
                Privileged = parse.GetValue(privileged),
                Tty = mode.Tty,
                Detach = parse.GetValue(detach),
            };
            var exit = await actions.ExecAsync(new ExecServiceRequest(target, svc, parse.GetValue(index), exec, mode), TerminalAttach.Instance, ct);
            if (exit is null)
            {
                Console.Error.WriteLine($"service \"{svc}\" is not running");
                return ExitCodes.Failure;
            }
            return (int)exit.Value;
        }));
        return command;
    }

    /// <summary>Compose's TTY and stdin rules for the flags and composer's own terminals; a contradiction is a usage error.</summary>
    internal static AttachMode Mode(bool noTty, bool tty, bool interactive, bool detach) =>
        AttachMode.Decide(noTty, tty, interactive, detach, LocalTerminal.StdinIsTerminal, LocalTerminal.StdoutIsTerminal, out var error)
        ?? throw new UsageException(error!);

    /// <summary><c>-e NAME</c> without a value passes the variable from composer's own environment, as Compose does.</summary>
    internal static IReadOnlyList<string> ExpandEnv(IEnumerable<string> values) =>
        [.. values.Select(v => v.Contains('=') ? v : $"{v}={Environment.GetEnvironmentVariable(v)}")];
}
