using System.CommandLine;
using Composer.Cli.Output;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Planning;

namespace Composer.Cli.Commands;

/// <summary>
/// Pulls the services' images. Offline (no registry answers) it fails with a message that says so and what to do,
/// instead of the engine's raw DNS error; services built locally (build: without image:) are skipped.
/// </summary>
internal static class PullCommand
{
    public static Command Create(GlobalOptions global)
    {
        var ignoreFailures = new Option<bool>("--ignore-pull-failures") { Description = "Pull what it can and ignores images with pull failures" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Pull without printing progress information" };
        var services = Lifecycle.Services();
        var command = new Command("pull", "Pull service images") { ignoreFailures, quiet, services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var selected = parse.GetValue(services) ?? [];
            var project = global.LoadProject(parse, selected);
            foreach (var s in selected.Where(s => !project.Services.ContainsKey(s))) throw new UsageException($"no such service: {s}");
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var plan = CommandPlanner.PlanPull(project, selected);
            var ansi = parse.GetValue(global.Ansi) ?? "auto";
            var mode = parse.GetValue(quiet) ? "quiet" : ProgressPrinter.ResolveMode(parse.GetValue(global.Progress) ?? "auto", ansi);
            var sink = ProgressPrinter.Create(mode, ansi);
            ExecutionResult result;
            try { result = await new PlanExecutor(engine, sink, global.ParallelLimit(parse)).ExecuteAsync(plan, ct); }
            finally { if (sink is IAsyncDisposable live) await live.DisposeAsync(); }
            var byId = plan.Operations.ToDictionary(o => o.Id);
            foreach (var (id, error) in result.Failures.OrderBy(f => f.Id, StringComparer.Ordinal))
            {
                var op = (PullImage)byId[id];
                var detail = error is ImageNotFoundException nf ? nf.Detail : error.Message;
                var offline = new[] { "no such host", "dial tcp", "connection refused", "i/o timeout", "network is unreachable", "TLS handshake timeout" }
                    .Any(s => detail.Contains(s, StringComparison.OrdinalIgnoreCase));
                Console.Error.WriteLine(offline
                    ? $"{(parse.GetValue(ignoreFailures) ? "WARN" : "Error")}: service \"{op.Service}\": cannot pull image \"{op.Image}\": no image registry answers (is this machine offline?). Build the image locally (build:) or load it with docker load. Engine said: {detail}"
                    : $"{(parse.GetValue(ignoreFailures) ? "WARN" : "Error")}: service \"{op.Service}\": cannot pull image \"{op.Image}\": {detail}");
            }
            return result.Succeeded || parse.GetValue(ignoreFailures) ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}
