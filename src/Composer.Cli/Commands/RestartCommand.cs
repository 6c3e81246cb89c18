using System.CommandLine;
using Composer.Core.Planning;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class RestartCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Specify a shutdown timeout in seconds" };
        var command = new Command("restart", "Restart service containers") { services, timeout };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var projectLock = await Lifecycle.LockAsync(global, parse, ct);
            var (engine, observed, wanted) = await Lifecycle.ObserveAsync(global, parse, services, ct);
            using (engine)
                return await PlanRunner.RunAsync(CommandPlanner.PlanRestart(observed, wanted, Lifecycle.Timeout(parse, timeout)), engine, global, parse, ct);
        }));
        return command;
    }
}
