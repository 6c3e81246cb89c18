using System.CommandLine;
using Composer.Core.UseCases;

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
        command.SetAction((parse, ct) => Lifecycle.RunAsync(global, parse, services, ct,
            (actions, target, wanted) => actions.RemoveAsync(new RemoveRequest(target, wanted, parse.GetValue(stop), parse.GetValue(volumes),
                names => parse.GetValue(force) || Confirm(names)), ct)));
        return command;
    }

    /// <summary>Compose asks; without an answer of y (or without a terminal to ask on) nothing is removed.</summary>
    private static bool Confirm(IReadOnlyList<string> names)
    {
        Console.Error.Write($"Going to remove {string.Join(", ", names)}\n? Are you sure? [y/N] ");
        var answer = Console.IsInputRedirected && Console.In.Peek() < 0 ? null : Console.In.ReadLine();
        Console.Error.WriteLine();
        return answer?.Trim() is "y" or "Y" or "yes";
    }
}
