using System.CommandLine;
using Composer.Core.Planning;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class RmCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var force = new Option<bool>("--force", "-f") { Description = "Don't ask to confirm removal" };
        var stop = new Option<bool>("--stop", "-s") { Description = "Stop the containers, if required, before removing" };
        var volumes = new Option<bool>("--volumes", "-v") { Description = "Remove any anonymous volumes attached to containers" };
        var command = new Command("rm", "Removes stopped service containers") { services, force, stop, volumes };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            using var projectLock = await Lifecycle.LockAsync(global, parse, ct);
            var (engine, observed, wanted) = await Lifecycle.ObserveAsync(global, parse, services, ct);
            using (engine)
            {
                var plan = CommandPlanner.PlanRemove(observed, wanted, parse.GetValue(stop), parse.GetValue(volumes));
                var names = plan.Operations.OfType<RemoveContainer>().Select(o => o.Name).ToList();
                if (names.Count == 0)
                {
                    Console.Error.WriteLine("No stopped containers");
                    return ExitCodes.Ok;
                }
                if (!parse.GetValue(force))
                {
                    // Compose asks; without an answer of y (or without a terminal to ask on) nothing is removed.
                    Console.Error.Write($"Going to remove {string.Join(", ", names)}\n? Are you sure? [y/N] ");
                    var answer = Console.IsInputRedirected && Console.In.Peek() < 0 ? null : Console.In.ReadLine();
                    Console.Error.WriteLine();
                    if (answer?.Trim() is not ("y" or "Y" or "yes")) return ExitCodes.Ok;
                }
                return await PlanRunner.RunAsync(plan, engine, global, parse, ct);
            }
        }));
        return command;
    }
}
