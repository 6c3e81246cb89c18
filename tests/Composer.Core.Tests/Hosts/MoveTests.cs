using System.Collections.Concurrent;
using Composer.Core.Engine;
using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.Hosts;

/// <summary>Issue 13 item 4: <c>composer move SERVICE --to HOST</c> over one fake engine per host.</summary>
public sealed class MoveTests
{
    private const string Yaml = LabHosts.Block + """
        services:
          db: { image: busybox, expose: ["5432"], volumes: [data:/var/lib/db], x-composer: { host: a } }
          api: { image: x, expose: ["8080"], links: [db], x-composer: { host: b } }
          web: { image: x, environment: { API: "http://api:8080/" }, x-composer: { host: c } }
        volumes:
          data: {}
        """;

    private sealed record Lab(ComposeActions Actions, Dictionary<string, FakeEngine> Engines, Project File, RecordingOutput Output, ConcurrentQueue<string> Log);

    /// <summary>The project up on three fake engines; every engine call logged as "host: call", in the order made.</summary>
    private static async Task<Lab> UpAsync(string yaml = Yaml)
    {
        var file = TestProjects.Load(yaml);
        var expanded = AmbassadorExpansion.Expand(file);
        var log = new ConcurrentQueue<string>();
        var engines = new[] { "a", "b", "c" }.ToDictionary(h => h, h =>
        {
            var engine = new FakeEngine();
            engine.Images[AmbassadorExpansion.Image] = "sha256:amb";
            engine.CallHook = what =>
            {
                log.Enqueue($"{h}: {what}");
                return Task.CompletedTask;
            };
            return engine;
        });
        // Only a has db's image: the move copies it to c.
        engines["b"].Images.Remove("busybox");
        engines["c"].Images.Remove("busybox");
        var output = new RecordingOutput();
        var actions = new ComposeActions(new HostEngines(engines.ToDictionary(kv => kv.Key, kv => (IContainerEngine)kv.Value), Placement.Of(expanded)), output, new CountingLocks());
        (await actions.UpAsync(new UpRequest(expanded, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        engines["a"].VolumeContent["demo_data"] = "rows of db";
        log.Clear();
        return new Lab(actions, engines, file, output, log);
    }

    private static int IndexOf(Lab lab, string call)
    {
        var index = lab.Log.ToList().IndexOf(call);
        index.Should().BeGreaterThanOrEqualTo(0, $"\"{call}\" is among the calls:\n{string.Join("\n", lab.Log)}");
        return index;
    }

    [Fact]
    public async Task Move_holds_importers_stops_copies_starts_on_the_new_host_re_points_then_retires_the_old()
    {
        var lab = await UpAsync();
        var apiId = lab.Engines["b"].Containers["demo-api-1"].Id;

        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeTrue(string.Join("\n", lab.Output.Lines));

        var order = new[]
        {
            "b: write demo-db-import-b-1 hold",
            "a: stop container demo-db-1",
            "c: create volume demo_data",
            "c: import volume demo_data",
            "c: create container demo-db-1",
            "c: start container demo-db-1",
            "c: start container demo-db-export-1",
            "b: write demo-db-import-b-1 10.99.1.13:5432",
            "a: remove container demo-db-1",
        }.Select(call => IndexOf(lab, call)).ToList();
        order.Should().BeInAscendingOrder();
        IndexOf(lab, "c: import image busybox").Should().BeLessThan(order[0], "the image is copied before anything stops");
        IndexOf(lab, "a: remove container demo-db-export-1").Should().BeGreaterThan(order[^2]);
        IndexOf(lab, "a: remove volume demo_data").Should().BeGreaterThan(order[^2]);

        var c = lab.Engines["c"];
        c.VolumeContent["demo_data"].Should().Be("rows of db");
        c.Volumes["demo_data"].Labels.Should().Contain(ComposeLabels.Project, "demo").And.Contain(ComposeLabels.Volume, "data").And.Contain(HostLabels.Host, "c");
        c.Containers["demo-db-1"].Spec.Labels[HostLabels.Host].Should().Be("c");
        c.Containers["demo-db-1"].State.Should().Be(ContainerState.Running);
        c.Containers["demo-db-export-1"].Spec.Ports.Single().HostIp.Should().Be("10.99.1.13");
        lab.Engines["a"].Containers.Should().BeEmpty();
        lab.Engines["a"].Volumes.Should().BeEmpty();
        lab.Engines["a"].Networks.Should().BeEmpty("no service runs on a any more");
        lab.Engines["b"].Containers["demo-api-1"].Id.Should().Be(apiId, "the consumer is not recreated");
        lab.Log.Should().NotContain(call => call.Contains("demo-api-1"));
        lab.Output.Lines.Should().Contain(l => l.StartsWith("INFO db moved a → c in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_move_the_engines_placement_wins_and_a_later_up_changes_nothing_but_the_importers_route()
    {
        var lab = await UpAsync();
        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeTrue();

        var all = lab.Engines.SelectMany(e => e.Value.Containers.Values.Select(c => new ObservedContainer
        {
            Id = c.Id, Name = c.Spec.Name, Service = c.Spec.Labels[ComposeLabels.Service], State = c.State, Labels = c.Spec.Labels,
        }));
        var moved = ObservedPlacement.Moved(lab.File, all);
        moved.Should().Equal(new Dictionary<string, string> { ["db"] = "c" });

        var placed = AmbassadorExpansion.Expand(ObservedPlacement.Apply(lab.File, moved));
        var engines = lab.Engines.ToDictionary(kv => kv.Key, kv => (IContainerEngine)kv.Value);
        var up = new ComposeActions(new HostEngines(engines, Placement.Of(placed)), new RecordingOutput(), new CountingLocks());
        lab.Log.Clear();
        (await up.UpAsync(new UpRequest(placed, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        lab.Log.Should().NotContain(call => call.Contains("create container") || call.Contains("remove container") || call.Contains("stop container"),
            "the moved service stays where it runs, and the import ambassador is not recreated for its new route");
        lab.Log.Should().Contain("b: write demo-db-import-b-1 10.99.1.13:5432");

        // Moving back is explicit.
        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "a"), CancellationToken.None)).Should().BeTrue();
        lab.Engines["a"].VolumeContent["demo_data"].Should().Be("rows of db");
        lab.Engines["c"].Containers.Keys.Should().BeEquivalentTo("demo-web-1", "demo-api-import-c-1");
    }

    [Fact]
    public void The_observed_host_wins_only_when_it_is_one_defined_host()
    {
        var file = TestProjects.Load(Yaml);
        ObservedContainer On(string service, string host, string state = ContainerState.Running, int n = 1) => new()
        {
            Id = $"{service}{n}{host}", Name = $"demo-{service}-{n}", Service = service, Number = n, State = state,
            Labels = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add(HostLabels.Host, host),
        };
        ObservedPlacement.Moved(file, [On("db", "c"), On("api", "b")]).Should().Equal(new Dictionary<string, string> { ["db"] = "c" });
        ObservedPlacement.Moved(file, [On("db", "c"), On("db", "a", n: 2)]).Should().BeEmpty("on two hosts: the file decides");
        ObservedPlacement.Moved(file, [On("db", "c"), On("db", "a", ContainerState.Exited, 2)]).Should().ContainKey("db", "running containers decide");
        ObservedPlacement.Moved(file, [On("db", "z")]).Should().BeEmpty("a host the file does not define");
        ObservedPlacement.Moved(file, [On("db-export", "c")]).Should().BeEmpty("ambassadors follow their provider");
    }

    [Fact]
    public async Task A_failure_on_the_new_host_is_rolled_back_and_said()
    {
        var lab = await UpAsync();
        lab.Engines["c"].Failures["start container demo-db-1"] = "no space left";

        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeFalse();

        lab.Engines["a"].Containers["demo-db-1"].State.Should().Be(ContainerState.Running);
        lab.Engines["c"].Containers.Keys.Should().BeEquivalentTo("demo-web-1", "demo-api-import-c-1");
        lab.Engines["c"].Volumes.Should().BeEmpty();
        lab.Engines["b"].WrittenFiles["demo-db-import-b-1"][AmbassadorRoutes.TargetFile].Should().Be("10.99.1.11:5432\n");
        IndexOf(lab, "b: write demo-db-import-b-1 10.99.1.11:5432").Should().BeGreaterThan(IndexOf(lab, "a: start container demo-db-1"),
            "the importers are released only once the old one runs again");
        lab.Output.Errors.Should().Contain(e => e.Contains("moving db a → c failed while starting it on c") && e.Contains("no space left"));
        lab.Output.Lines.Should().Contain(l => l.Contains("rolled back:") && l.Contains("demo-db-1 started again on a") && l.Contains("pointed back at 10.99.1.11:5432"));
        lab.Output.Lines.Should().Contain("INFO db runs on a as before");
    }

    [Fact]
    public async Task A_stopped_service_moves_stopped_and_one_that_was_never_up_is_refused()
    {
        var lab = await UpAsync();
        await lab.Engines["a"].StopContainerAsync("demo-db-1", null, CancellationToken.None);
        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeTrue(string.Join("\n", lab.Output.Lines));
        lab.Engines["c"].Containers["demo-db-1"].State.Should().Be(ContainerState.Created);
        lab.Engines["a"].Containers.Should().BeEmpty();

        var empty = new[] { "a", "b", "c" }.ToDictionary(h => h, _ => (IContainerEngine)new FakeEngine());
        var output = new RecordingOutput();
        var fresh = new ComposeActions(new HostEngines(empty, Placement.Of(AmbassadorExpansion.Expand(lab.File))), output, new CountingLocks());
        (await fresh.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeFalse();
        output.Errors.Should().Contain("ERROR cannot move db: it has no container on a (composer up places it; x-composer.host says where)");
    }

    [Fact]
    public async Task A_failed_volume_copy_is_rolled_back_too()
    {
        var lab = await UpAsync();
        lab.Engines["c"].Failures["import volume demo_data"] = "disk full";
        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeFalse();
        lab.Engines["a"].Containers["demo-db-1"].State.Should().Be(ContainerState.Running);
        lab.Engines["c"].Volumes.Should().BeEmpty();
        lab.Engines["c"].Containers.Keys.Should().NotContain("demo-db-1");
        lab.Output.Errors.Should().Contain(e => e.Contains("failed while copying its volumes to c: disk full"));
    }

    [Fact]
    public async Task A_volume_marked_not_movable_is_refused_before_anything_changes()
    {
        const string expected = "volume data is not movable (x-composer: { movable: false }): db stays on a";
        var lab = await UpAsync(Yaml.Replace("data: {}", "data: { x-composer: { movable: false } }"));
        (await lab.Actions.MoveAsync(new MoveRequest(lab.File, "db", "c"), CancellationToken.None)).Should().BeFalse();
        lab.Output.Errors.Should().Contain($"ERROR cannot move db: {expected}");
        lab.Log.Should().BeEmpty("nothing is held, stopped or copied");
    }

    [Fact]
    public void Anonymous_volumes_shared_volumes_and_consumers_that_would_change_are_refused()
    {
        var anonymous = ServiceMove.Plan(TestProjects.Load(Yaml.Replace("[data:/var/lib/db]", "[/var/lib/db]")), "db", "c");
        anonymous.Problems.Should().Contain("db has an anonymous volume at /var/lib/db: its data cannot be moved; name it (volumes: [NAME:/var/lib/db]) to have it copied");

        var shared = ServiceMove.Plan(TestProjects.Load(Yaml.Replace("links: [db],", "links: [db], volumes: [data:/d],")), "db", "c");
        shared.Problems.Should().Contain("volume data is also mounted by api on b: one volume cannot be on two hosts");

        // web on c names api through api-import-c, and api uses db through db-import-b: a move carries neither.
        var consumer = ServiceMove.Plan(TestProjects.Load(Yaml), "api", "c");
        consumer.Problems.Should().ContainSingle().Which.Should().StartWith("moving api to c would also change api-import-c, db-export, db-import-b, db-import-c, which a move does not recreate");

        var external = ServiceMove.Plan(TestProjects.Load(Yaml.Replace("data: {}", "data: { external: true }")), "db", "c");
        external.Problems.Should().Contain("volume data is external (not created by Composer): it is not Composer's to copy to c");

        ServiceMove.Plan(TestProjects.Load(Yaml), "db", "z").Problems.Should().Equal("no host \"z\" in x-composer.hosts (hosts: a, b, c)");
        ServiceMove.Plan(TestProjects.Load(Yaml), "db", "a").NothingToDo.Should().BeTrue();
    }

    [Theory]
    [InlineData("data: { x-composer: { movable: nope } }", "compose.yaml:11:34: error: volumes.data.x-composer.movable must be true or false, not 'nope'")]
    [InlineData("data: { x-composer: [movable] }", "compose.yaml:11:23: error: volumes.data.x-composer must be a mapping (movable: true|false), not a sequence")]
    [InlineData("data: { x-composer: { moveable: false } }", "compose.yaml:11:25: error: volumes.data.x-composer: unknown key \"moveable\" (expected movable)")]
    public void Movable_of_the_wrong_type_is_an_error_at_its_line_and_column(string volume, string expected)
    {
        var result = TestProjects.LoadResult(Yaml.Replace("data: {}", volume));
        result.Success.Should().BeFalse();
        string.Join("\n", result.Diagnostics.Select(d => d.ToString())).Should().Contain(expected);
    }

    [Fact]
    public void Movable_is_read_and_printed_back()
    {
        TestProjects.Load(Yaml).Volumes["data"].Movable.Should().BeTrue();
        var pinned = TestProjects.Load(Yaml.Replace("data: {}", "data: { x-composer: { movable: false } }"));
        pinned.Volumes["data"].Movable.Should().BeFalse();
        ProjectWriter.ToYaml(pinned).Should().Contain("movable: false");
    }
}
