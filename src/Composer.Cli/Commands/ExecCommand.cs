using System.CommandLine;
using Composer.Core.Execution;

namespace Composer.Cli.Commands;

/// <summary>Runs a command in a running service container, without a TTY; the command's exit code is composer's.</summary>
internal static class ExecCommand
{
    public static Command Create(GlobalOptions global)
    {
        var noTty = new Option<bool>("--no-TTY", "-T") { Description = "Disable pseudo-TTY allocation (the only mode: output is never a TTY)" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables", Arity = ArgumentArity.ZeroOrMore };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Path to workdir directory for this command" };
        var user = new Option<string?>("--user", "-u") { Description = "Run the command as this user" };
        var index = new Option<int>("--index") { Description = "Index of the container if service has multiple replicas", DefaultValueFactory = _ => 1 };
        var service = new Argument<string>("SERVICE");
        var args = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "Execute a command in a running container") { noTty, env, workdir, user, index, service, args };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, project) = global.ResolveProject(parse);
            var svc = parse.GetValue(service)!;
            if (project is not null && !project.Services.ContainsKey(svc)) throw new UsageException($"no such service: {svc}");
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var observed = await engine.ObserveAsync(new ObserveRequest(name) { IncludeOneOff = false }, ct);
            var number = parse.GetValue(index);
            var container = observed.Containers.FirstOrDefault(c => c.Service == svc && c.Number == number);
            if (container is null || !container.IsRunning)
            {
                Console.Error.WriteLine($"service \"{svc}\" is not running");
                return ExitCodes.Failure;
            }
            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            var exit = await engine.ExecAsync(container.Name, parse.GetValue(args)!, ExpandEnv(parse.GetValue(env) ?? []),
                parse.GetValue(workdir), parse.GetValue(user), stdout, stderr, ct);
            return (int)exit;
        }));
        return command;
    }

    /// <summary><c>-e NAME</c> without a value passes the variable from composer's own environment, as Compose does.</summary>
    internal static IReadOnlyList<string> ExpandEnv(IEnumerable<string> values) =>
        [.. values.Select(v => v.Contains('=') ? v : $"{v}={Environment.GetEnvironmentVariable(v)}")];
}
