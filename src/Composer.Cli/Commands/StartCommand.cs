using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class StartCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var command = new Command("start", "Start services") { services };
        command.SetAction((parse, ct) => Lifecycle.RunAsync(global, parse, services, ct,
            (actions, target, wanted) => actions.StartAsync(new ServicesRequest(target, wanted), ct)));
        return command;
    }
}
