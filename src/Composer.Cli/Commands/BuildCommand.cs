using System.CommandLine;
using Composer.Core.Planning;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>Builds the images of services with <c>build:</c> through the engine (tagged with <c>image:</c>, or <c>&lt;project&gt;-&lt;service&gt;</c>).</summary>
internal static class BuildCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var command = new Command("build", "Build or rebuild services") { services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var selected = parse.GetValue(services) ?? [];
            var project = global.LoadProject(parse, selected, createsContainers: false);
            GlobalOptions.RequireServices(project, selected);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            return Lifecycle.Exit(await actions.BuildAsync(new ServicesRequest(ProjectTarget.Of(project), selected), ct));
        }));
        return command;
    }
}
