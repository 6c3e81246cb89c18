using System.CommandLine;
using Composer.Core.Planning;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

/// <summary>
/// A dry run of <c>up</c>: prints the plan (each operation with its cause) and, for each recreate, which fields of the
/// service changed, read against the canonical form stored on the container. Changes nothing.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(GlobalOptions global)
    {
        var forceRecreate = new Option<bool>("--force-recreate") { Description = "Plan as if --force-recreate were given" };
        var noRecreate = new Option<bool>("--no-recreate") { Description = "Plan as if --no-recreate were given" };
        var noDeps = new Option<bool>("--no-deps") { Description = "Don't include linked services" };
        var removeOrphans = new Option<bool>("--remove-orphans") { Description = "Plan the removal of orphan containers" };
        var services = Lifecycle.Services();
        var command = new Command("plan", "Show what up would do, and why, without changing anything") { forceRecreate, noRecreate, noDeps, removeOrphans, services };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            if (parse.GetValue(forceRecreate) && parse.GetValue(noRecreate))
                throw new UsageException("--force-recreate and --no-recreate are incompatible");
            var selected = parse.GetValue(services) ?? [];
            var project = global.LoadProject(parse, selected);
            using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
            var preview = await actions.PlanAsync(new PlanRequest(project, new UpOptions
            {
                Services = [.. selected], ForceRecreate = parse.GetValue(forceRecreate), NoRecreate = parse.GetValue(noRecreate),
                NoDeps = parse.GetValue(noDeps), RemoveOrphans = parse.GetValue(removeOrphans),
            }), ct);
            foreach (var warning in preview.Plan.Warnings) Console.Error.WriteLine($"WARN[0000] {warning}");
            if (preview.Plan.IsEmpty) Console.Write(preview.Plan.ToString());
            foreach (var op in preview.Plan.Operations)
            {
                // A multi-host project: where each operation runs, and why an inserted ambassador is there.
                var where = global.Placement is { } placement && Core.Hosts.PlanHosts.HostsOf(op, placement) is { Length: > 0 } hosts ? $" on {hosts}" : "";
                Console.WriteLine($"{op.Describe()}{where}  ({op.Cause})");
                if (global.Placement is not null && op is CreateContainer inserted && Core.Hosts.PlanHosts.WhyInserted(project, inserted.Spec.Service) is { } why)
                    Console.WriteLine($"    {why}");
                if (op is CreateContainer create && preview.ChangedFields.TryGetValue(create.Spec.Name, out var changed))
                    Console.WriteLine($"    changed: {string.Join(", ", changed)}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
