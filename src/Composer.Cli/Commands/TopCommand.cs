using System.CommandLine;
using Composer.Core.Engine;

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
            var wanted = parse.GetValue(services) ?? [];
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var observed = await engine.ObserveAsync(new ObserveRequest(name), ct);
            var containers = observed.ContainersOf(wanted).Where(c => c.IsRunning)
                .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            var tables = await Task.WhenAll(containers.Select(c => engine.TopAsync(c.Name, ct)));
            for (var i = 0; i < containers.Count; i++)
            {
                if (i > 0) Console.WriteLine();
                Console.WriteLine(containers[i].Name);
                Table.Write(Console.Out, tables[i].Titles, tables[i].Processes.Select(p => p.ToArray()));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
