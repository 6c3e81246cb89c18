using System.CommandLine;
using Composer.Core.Engine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>The processes of each running container: its name, then the engine's process table.</summary>
internal static class TopCommand
{
    public static Command Create(GlobalOptions global)
    {
        var services = Lifecycle.Services();
        var command = new Command("top", "Display the running processes") { services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var tables = await actions.TopAsync(new ServicesRequest(new ProjectTarget(name, null), parse.GetValue(services) ?? []), ct);
            for (var i = 0; i < tables.Count; i++)
            {
                if (i > 0) Console.WriteLine();
                Console.WriteLine(tables[i].Container.Name);
                Table.Write(Console.Out, tables[i].Table.Titles, tables[i].Table.Processes.Select(p => p.ToArray()));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
