using System.CommandLine;
using Composer.Cli.Output;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Planning;
using Composer.Core.UseCases;

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
            var project = global.LoadProject(parse, selected, createsContainers: false);
            GlobalOptions.RequireServices(project, selected);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var failures = await actions.PullAsync(new PullRequest(project, selected) { Quiet = parse.GetValue(quiet) }, ct);
            var level = parse.GetValue(ignoreFailures) ? "WARN" : "Error";
            foreach (var f in failures)
                Console.Error.WriteLine(f.Offline
                    ? $"{level}: service \"{f.Service}\": cannot pull image \"{f.Image}\": no image registry answers (is this machine offline?). Build the image locally (build:) or load it with docker load. Engine said: {f.Detail}"
                    : $"{level}: service \"{f.Service}\": cannot pull image \"{f.Image}\": {f.Detail}");
            return failures.Count == 0 || parse.GetValue(ignoreFailures) ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }
}
