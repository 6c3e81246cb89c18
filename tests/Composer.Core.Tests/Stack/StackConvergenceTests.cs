using System.Collections.Immutable;
using Composer.Core.Stack;

namespace Composer.Core.Tests.Stack;

public class StackConvergenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly ObservedSwarmService Api = new("s1", "demo_api", 3, ImmutableSortedDictionary<string, string>.Empty) { Replicas = 3 };

    private static ObservedTask Task(string id, int slot, string state, string desired = "running", string node = "n1") =>
        new(id, "s1", "demo_api", slot, node, state, desired) { StateSince = T0.AddSeconds(1) };

    [Fact]
    public void Progress_counts_running_tasks_and_names_the_last_failure()
    {
        var p = StackConvergence.Of("api", Api, [Task("a", 1, "running"), Task("b", 2, "running"), Task("c", 3, "starting"),
            Task("d", 3, "failed", desired: "shutdown") with { Error = "task: non-zero exit (1)" }], T0);
        p.ToString().Should().Be("2/3 running: task failed: task: non-zero exit (1)");
        p.Converged.Should().BeFalse();
        StackConvergence.Of("api", Api, [Task("a", 1, "running"), Task("b", 2, "running"), Task("c", 3, "running")], T0).Converged.Should().BeTrue();
    }

    [Fact]
    public void Watch_reports_a_node_down_and_the_tasks_rescheduled_from_it()
    {
        var nodes = ImmutableArray.Create(new ObservedNode("n1", "nodeA", "ready", "active", "10.99.0.11"), new ObservedNode("n2", "nodeB", "ready", "active", "10.99.0.12"));
        var incidents = new StackIncidents();
        var before = new ObservedStack { Services = [Api], Nodes = nodes, Tasks = [Task("a", 1, "running"), Task("b", 2, "running", node: "n2")] };
        incidents.Next(before, T0).Should().BeEmpty();
        var down = before with { Nodes = nodes.SetItem(1, nodes[1] with { State = "down" }) };
        incidents.Next(down, T0.AddSeconds(12)).Select(i => i.Text).Should().Equal("node nodeB down (10.99.0.12) → 1 task(s) to reschedule: demo_api.2");
        var moved = down with { Tasks = [Task("a", 1, "running"), Task("b", 2, "running", desired: "shutdown", node: "n2"), Task("c", 2, "running")] };
        incidents.Next(moved, T0.AddSeconds(18)).Select(i => i.Text).Should().Equal("demo_api.2 rescheduled nodeB → nodeA in 6.0 s (nodeB down)");
    }
}
