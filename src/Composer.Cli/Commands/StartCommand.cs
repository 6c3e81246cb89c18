using System.CommandLine;
using Composer.Core.Planning;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class StartCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var command = new Command("start", "Start services") { services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var projectLock = await Lifecycle.LockAsync(global, parse, ct);
            var (engine, observed, wanted) = await Lifecycle.ObserveAsync(global, parse, services, ct);
            using (engine)
                return await PlanRunner.RunAsync(CommandPlanner.PlanStart(observed, wanted), engine, global, parse, ct);
        }));
        return command;
    }
}
