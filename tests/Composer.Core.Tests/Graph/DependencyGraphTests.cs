using Composer.Core.Graph;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Graph;

public class DependencyGraphTests
{
    [Fact]
    public void Edges_come_from_depends_on_links_network_mode_and_volumes_from()
    {
        var project = TestProjects.Load("""
            services:
              db: { image: x }
              cache: { image: x }
              app:
                image: x
                depends_on: [db]
                links: ["cache:redis"]
              sidecar: { image: x, network_mode: "service:app" }
              backup: { image: x, volumes_from: ["db:ro"] }
            """);
        var graph = DependencyGraph.Build(project);
        // links, network_mode and volumes_from also imply depends_on entries, as in Compose.
        graph.Edges.Select(e => $"{e.From}->{e.To}:{e.Kind}").Should().Equal(
            "app->cache:DependsOn", "app->cache:Link", "app->db:DependsOn", "backup->db:DependsOn", "backup->db:VolumesFrom",
            "sidecar->app:DependsOn", "sidecar->app:NetworkMode");
        graph.TopologicalOrder().Should().Equal("cache", "db", "app", "backup", "sidecar");
        graph.TransitiveDependents(["db"]).Should().BeEquivalentTo(["app", "backup", "sidecar"]);
        graph.WithDependencies(["sidecar"]).Should().BeEquivalentTo(["sidecar", "app", "db", "cache"]);
    }

    [Fact]
    public void A_cycle_is_an_error_that_names_its_path_and_position()
    {
        var result = TestProjects.LoadResult("""
            services:
              a: { image: x, depends_on: [b] }
              b: { image: x, links: [a] }
            """);
        result.Success.Should().BeFalse();
        result.Diagnostics.Should().ContainSingle(d => d.Code == "graph.cycle")
            .Which.ToString().Should().Be("/work/demo/compose.yaml:2:3: error: dependency cycle detected: a -> b -> a");
    }

    [Fact]
    public void A_self_dependency_is_a_cycle()
    {
        var result = TestProjects.LoadResult("services:\n  a: { image: x, depends_on: [a] }\n");
        result.Diagnostics.Should().Contain(d => d.Message == "dependency cycle detected: a -> a");
    }

    [Fact]
    public async Task The_walker_runs_independent_nodes_concurrently_and_dependents_after_their_dependencies()
    {
        // a and b are independent; c needs both. Both a and b must be running at once before either may finish.
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var order = new List<string>();
        var deps = new Dictionary<string, string[]> { ["a"] = [], ["b"] = [], ["c"] = ["a", "b"] };
        var outcomes = await DagWalker.WalkAsync(deps.Keys, n => deps[n], async (n, ct) =>
        {
            if (n != "c" && Interlocked.Increment(ref started) == 2) bothStarted.SetResult();
            if (n != "c") await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            lock (order) order.Add(n);
        }, CancellationToken.None);
        outcomes.Values.Should().AllSatisfy(e => e.Should().BeNull());
        order.Last().Should().Be("c");
    }

    [Fact]
    public async Task A_failed_node_fails_its_dependents_and_lets_independent_branches_finish()
    {
        var deps = new Dictionary<string, string[]> { ["db"] = [], ["app"] = ["db"], ["web"] = ["app"], ["other"] = [] };
        var outcomes = await DagWalker.WalkAsync(deps.Keys, n => deps[n], (n, _) =>
            n == "db" ? Task.FromException(new InvalidOperationException("boom")) : Task.CompletedTask, CancellationToken.None);
        outcomes["db"].Should().BeOfType<InvalidOperationException>();
        outcomes["app"].Should().BeOfType<DependencyFailedException>().Which.Dependency.Should().Be("db");
        outcomes["web"].Should().BeOfType<DependencyFailedException>().Which.InnerException!.Message.Should().Be("boom");
        outcomes["other"].Should().BeNull();
    }
}
