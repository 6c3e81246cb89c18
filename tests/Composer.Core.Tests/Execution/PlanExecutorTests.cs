using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Execution;

public class PlanExecutorTests
{
    private static ObservedState ImagesPresent(Composer.Core.Model.Project p) => ObservedState.Empty with
    {
        Images = p.Services.Values.Select(s => s.Image!).Distinct().ToImmutableSortedDictionary(i => i, _ => (string?)"sha256:x1"),
    };

    [Fact]
    public async Task Parallelism_bounds_engine_calls()
    {
        var yaml = "services:\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"  s{i}: {{ image: x }}\n"));
        var project = TestProjects.Load(yaml);
        var engine = new FakeEngine();
        var result = await new PlanExecutor(engine, parallelism: 2).ExecuteAsync(Planner.PlanUp(project, ImagesPresent(project), new UpOptions()), default);
        result.Succeeded.Should().BeTrue();
        engine.MaxConcurrentCalls.Should().BeLessThanOrEqualTo(2);
        engine.Containers.Should().HaveCount(12).And.AllSatisfy(c => c.Value.State.Should().Be(ContainerState.Running));
    }

    [Fact]
    public async Task Without_a_limit_200_creates_are_in_flight_at_once()
    {
        // Each create returns only once all 200 are in flight: the default cap lets a large project's creates go together.
        const int count = PlanExecutor.DefaultParallelism;
        var project = TestProjects.Load("services:\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  s{i}: {{ image: x }}\n")));
        var engine = new FakeEngine();
        var allCreating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creating = 0;
        engine.CallHook = async call =>
        {
            if (!call.StartsWith("create container", StringComparison.Ordinal)) return;
            if (Interlocked.Increment(ref creating) == count) allCreating.SetResult();
            await allCreating.Task.WaitAsync(TimeSpan.FromSeconds(30));
        };
        var result = await new PlanExecutor(engine).ExecuteAsync(Planner.PlanUp(project, ImagesPresent(project), new UpOptions()), default);
        result.Succeeded.Should().BeTrue();
        engine.MaxConcurrentCalls.Should().BeGreaterThanOrEqualTo(count);
    }

    [Fact]
    public async Task Without_a_limit_stops_are_few_at_once_and_each_remove_follows_its_stop()
    {
        // Engine 20.10 deadlocked and lost count of endpoints with many containers leaving one network at once, so
        // stops and starts are capped; a remove must not queue behind the last stop (down of 200 was
        // 1.8x the floor when it did).
        const int count = 200;
        var project = TestProjects.Load("services:\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  s{i}: {{ image: x }}\n")));
        var engine = new FakeEngine();
        var starting = 0;
        var mostStarting = 0;
        engine.CallHook = async call =>
        {
            if (!call.StartsWith("start container", StringComparison.Ordinal)) return;
            var now = Interlocked.Increment(ref starting);
            lock (engine) mostStarting = Math.Max(mostStarting, now);
            await Task.Yield();
            Interlocked.Decrement(ref starting);
        };
        (await new PlanExecutor(engine).ExecuteAsync(Planner.PlanUp(project, ImagesPresent(project), new UpOptions()), default)).Succeeded.Should().BeTrue();
        mostStarting.Should().BeLessThanOrEqualTo(PlanExecutor.DefaultJoins);

        var stopping = 0;
        var mostStopping = 0;
        var stopsStarted = 0;
        var stopsDone = 0;
        var removesBeforeLastStop = 0;
        var firstStopsHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aRemove = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var noRemoveWhileStopsWaited = false;
        engine.CallHook = async call =>
        {
            if (call.StartsWith("remove container", StringComparison.Ordinal))
            {
                if (Volatile.Read(ref stopsDone) < count) Interlocked.Increment(ref removesBeforeLastStop);
                aRemove.TrySetResult();
                return;
            }
            if (!call.StartsWith("stop container", StringComparison.Ordinal)) return;
            var now = Interlocked.Increment(ref stopping);
            lock (engine) mostStopping = Math.Max(mostStopping, now);
            // The first wave waits until the cap is reached, so the test sees the cap rather than a lucky schedule.
            if (now == PlanExecutor.DefaultLeaves) firstStopsHeld.TrySetResult();
            await firstStopsHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // The second wave lasts until a remove ran (or 10 s), with ~190 stops still waiting for their turn: a remove
            // queued behind them would not come meanwhile. Without this hold, whether a remove ran before the last
            // stop was the thread pool's choice (a busy one chained all 200 stops first).
            if (Interlocked.Increment(ref stopsStarted) > PlanExecutor.DefaultLeaves
                && await Task.WhenAny(aRemove.Task, Task.Delay(TimeSpan.FromSeconds(10))) != aRemove.Task)
            {
                noRemoveWhileStopsWaited = true;
                aRemove.TrySetResult();
            }
            Interlocked.Decrement(ref stopping);
            Interlocked.Increment(ref stopsDone);
        };
        var observed = await engine.ObserveAsync(new ObserveRequest("demo"), default);
        var result = await new PlanExecutor(engine).ExecuteAsync(Planner.PlanDown(project, observed, new DownOptions()), default);
        result.Succeeded.Should().BeTrue();
        mostStopping.Should().Be(PlanExecutor.DefaultLeaves);
        noRemoveWhileStopsWaited.Should().BeFalse("a remove whose stop is done runs while other stops wait for their turn");
        removesBeforeLastStop.Should().BeGreaterThan(0);
        engine.Containers.Should().BeEmpty();
    }

    [Fact]
    public async Task A_waiting_dependent_holds_no_slot_so_a_limit_of_one_cannot_deadlock()
    {
        // app waits for db to be healthy; db becomes healthy only once "other" has started. With one slot, a wait
        // that held the slot would block "other" forever.
        var project = TestProjects.Load("""
            services:
              db: { image: x, healthcheck: { test: "true" } }
              other: { image: x }
              app:
                image: x
                depends_on: { db: { condition: service_healthy } }
            """);
        var engine = new FakeEngine();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        engine.WaitHook = async (_, _) =>
        {
            while (engine.Containers.GetValueOrDefault("demo-other-1")?.State != ContainerState.Running)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("demo-other-1 never started: the wait held the only slot");
                await Task.Yield();
            }
        };
        var run = new PlanExecutor(engine, parallelism: 1).ExecuteAsync(Planner.PlanUp(project, ImagesPresent(project), new UpOptions()), default);
        (await run.WaitAsync(TimeSpan.FromSeconds(60))).Succeeded.Should().BeTrue();
        engine.Containers["demo-app-1"].State.Should().Be(ContainerState.Running);
    }

    [Fact]
    public async Task A_failed_dependency_stops_its_dependents_and_independent_services_still_start()
    {
        var project = TestProjects.Load("""
            services:
              db: { image: x }
              app: { image: x, depends_on: [db] }
              worker: { image: x }
            """);
        var engine = new FakeEngine();
        engine.Failures["start container demo-db-1"] = "port is already allocated";
        var progress = new List<OperationProgress>();
        var sink = new CollectingSink(progress);
        var result = await new PlanExecutor(engine, sink).ExecuteAsync(Planner.PlanUp(project, ImagesPresent(project), new UpOptions()), default);
        result.Succeeded.Should().BeFalse();
        result.Outcomes["start:demo-db-1"].Should().BeOfType<EngineException>().Which.Message.Should().Be("port is already allocated");
        result.Outcomes["start:demo-app-1"].Should().BeOfType<Composer.Core.Graph.DependencyFailedException>();
        engine.Containers["demo-worker-1"].State.Should().Be(ContainerState.Running);
        engine.Calls.Should().NotContain("start container demo-app-1");
        lock (progress) progress.Should().Contain(p => p.Operation.Id == "start:demo-app-1" && p.Status == OperationStatus.Skipped);
    }

    private sealed class CollectingSink(List<OperationProgress> into) : IProgressSink
    {
        public void Report(OperationProgress progress) { lock (into) into.Add(progress); }
    }
}
