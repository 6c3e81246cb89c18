using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Tests.Planning;

public class CommandPlannerTests
{
    private static ObservedContainer C(string service, string state, string dependsOn = "") => new()
    {
        Id = service, Name = $"demo-{service}-1", Service = service, State = state,
        Labels = ImmutableSortedDictionary<string, string>.Empty.Add(ComposeLabels.DependsOn, dependsOn),
    };

    private static readonly ObservedState Stopped = new()
    {
        Containers = [C("db", ContainerState.Exited), C("app", ContainerState.Exited, "db:service_healthy:false"), C("web", ContainerState.Running, "app:service_started:false")],
    };

    [Fact]
    public void Start_starts_stopped_containers_after_their_dependencies_conditions()
    {
        CommandPlanner.PlanStart(Stopped, []).ToString().Should().Be("""
            start container demo-db-1  (container is exited)
            wait for container demo-db-1 (service_healthy)  (app depends on db (service_healthy))
            start container demo-app-1  (container is exited)

            """);
    }

    [Fact]
    public void Stop_stops_dependents_first_and_rm_only_takes_stopped_containers_unless_told_to_stop()
    {
        var running = Stopped with { Containers = [.. Stopped.Containers.Select(c => c with { State = ContainerState.Running })] };
        var stop = CommandPlanner.PlanStop(running, [], null);
        stop.Operations.Select(o => o.Id).Should().Equal("stop:demo-web-1", "stop:demo-app-1", "stop:demo-db-1");
        CommandPlanner.PlanRemove(Stopped, [], stop: false, removeAnonymousVolumes: false).Operations.OfType<RemoveContainer>()
            .Select(o => o.Name).Should().Equal("demo-app-1", "demo-db-1");
        CommandPlanner.PlanRemove(Stopped, [], stop: true, removeAnonymousVolumes: false).Operations.OfType<RemoveContainer>()
            .Select(o => o.Name).Should().Contain("demo-web-1");
    }

    [Fact]
    public void Config_diff_names_the_changed_fields()
    {
        ConfigDiff.Diff("""{"form":"f1","environment":{"A":"1","PGHOST":"a"},"image":"x"}""", """{"form":"f2","environment":{"A":"1","PGHOST":"b"},"image":"y","init":true}""")
            .Should().Equal("environment.PGHOST", "image", "init");
        ConfigDiff.Diff(null, "{}").Should().ContainSingle().Which.Should().Contain("no stored configuration");
    }
}
