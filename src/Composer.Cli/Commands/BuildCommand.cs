using System.CommandLine;
using Composer.Core.Planning;

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
            var project = global.LoadProject(parse, selected);
            foreach (var s in selected.Where(s => !project.Services.ContainsKey(s))) throw new UsageException($"no such service: {s}");
            using var engine = await GlobalOptions.ConnectAsync(ct);
            var plan = BuildPlanner.PlanBuild(project, selected, noDeps: true, onlyMissing: false, new Dictionary<string, string?>());
            if (plan.IsEmpty) Console.Error.WriteLine("No service has a build section: nothing to build");
            return await PlanRunner.RunAsync(plan, engine, global, parse, ct);
        }));
        return command;
    }
}
