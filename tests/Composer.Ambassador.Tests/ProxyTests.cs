using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Composer.Ambassador.Tests;

/// <summary>The ambassador on loopback only: a fake backend that is absent, then present; or dies before answering.</summary>
public class ProxyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_target_that_is_not_listening_yet_is_a_delay_not_an_error()
    {
        var port = FreePort();
        await using var proxy = await StartAsync(port);
        var request = RequestAsync(proxy.EndPoint, "ping");
        // Refused until the backend appears: the request must still be waiting, not failed.
        await WaitUntil(() => proxy.Log.ToString().Contains("retry"), "the ambassador to retry a refused connect");
        request.IsCompleted.Should().BeFalse(proxy.Log.ToString());

        using var backend = new TcpListener(IPAddress.Loopback, port);
        backend.Start();
        var serving = ServeAsync(backend, answer: true);
        (await request.WaitAsync(Deadline)).Should().Be("pong:ping");
        await serving;
    }

    [Fact]
    public async Task A_target_that_dies_before_answering_gets_the_request_again_on_a_new_connection()
    {
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        await using var proxy = await StartAsync(((IPEndPoint)backend.LocalEndpoint).Port);
        var request = RequestAsync(proxy.EndPoint, "ping");
        await ServeAsync(backend, answer: false);   // reads the request, closes without a byte back
        await ServeAsync(backend, answer: true);    // the replay
        (await request.WaitAsync(Deadline)).Should().Be("pong:ping");
        proxy.Log.ToString().Should().Contain("replay 4 bytes");
    }

    [Fact]
    public async Task A_target_that_never_comes_gives_up_after_the_retry_time()
    {
        await using var proxy = await StartAsync(FreePort(), retryFor: TimeSpan.FromMilliseconds(300));
        (await RequestAsync(proxy.EndPoint, "ping").WaitAsync(Deadline)).Should().BeEmpty("the connection is closed without an answer");
        proxy.Log.ToString().Should().Contain("closed");
    }

    [Fact]
    public async Task Writing_the_target_file_re_points_new_connections_without_a_restart()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        using var second = new TcpListener(IPAddress.Loopback, 0);
        second.Start();
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "target");
        await using var proxy = await StartAsync(((IPEndPoint)first.LocalEndpoint).Port, targetFile: file);

        var one = RequestAsync(proxy.EndPoint, "one");
        await ServeAsync(first, answer: true);
        (await one.WaitAsync(Deadline)).Should().Be("pong:one");

        await File.WriteAllTextAsync(file, TargetSource.Format(new Target("127.0.0.1", ((IPEndPoint)second.LocalEndpoint).Port)));
        var two = RequestAsync(proxy.EndPoint, "two");
        await ServeAsync(second, answer: true);
        (await two.WaitAsync(Deadline)).Should().Be("pong:two");
        proxy.Log.ToString().Should().Contain("target now 127.0.0.1:" + ((IPEndPoint)second.LocalEndpoint).Port);
    }

    /// <summary>A connection that waits (held, or retrying a target that refuses) goes to the target written next.</summary>
    [Theory]
    [InlineData("hold\n", "held until a target is set")]
    [InlineData(null, "retry")]
    public async Task A_waiting_connection_goes_to_the_target_written_while_it_waits(string? initial, string waitingLog)
    {
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "target");
        if (initial is not null) await File.WriteAllTextAsync(file, initial);
        await using var proxy = await StartAsync(FreePort(), targetFile: file);

        var request = RequestAsync(proxy.EndPoint, "ping");
        await WaitUntil(() => proxy.Log.ToString().Contains(waitingLog), "the connection to wait");
        request.IsCompleted.Should().BeFalse(proxy.Log.ToString());

        await File.WriteAllTextAsync(file, TargetSource.Format(new Target("127.0.0.1", ((IPEndPoint)backend.LocalEndpoint).Port)));
        await ServeAsync(backend, answer: true);
        (await request.WaitAsync(Deadline)).Should().Be("pong:ping");
    }

    [Fact]
    public void The_target_file_counts_only_complete_valid_lines()
    {
        TargetSource.Parse("db:5432\n").Should().Be(new Target("db", 5432));
        TargetSource.Parse("10.99.1.13:18080\n").Should().Be(new Target("10.99.1.13", 18080));
        TargetSource.Parse("hold\n")!.IsHold.Should().BeTrue();
        TargetSource.Parse("db:5432").Should().BeNull("a line without its newline is a write in progress");
        TargetSource.Parse("db\n").Should().BeNull();
        TargetSource.Parse("db:0\n").Should().BeNull();

        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "target");
        var source = new TargetSource(new Target("env", 1), file);
        source.Current().Should().Be(new Target("env", 1), "no file: the environment's target");
        File.WriteAllText(file, "db:5432\n");
        source.Current().Should().Be(new Target("db", 5432));
        File.WriteAllText(file, "other:54");
        source.Current().Should().Be(new Target("db", 5432), "an incomplete line leaves the last target in force");
        File.Delete(file);
        source.Current().Should().Be(new Target("env", 1));
    }

    [Fact]
    public void Options_come_from_the_environment()
    {
        var env = new Dictionary<string, string> { ["AMBASSADOR_TARGET"] = "db:5432", ["AMBASSADOR_RETRY_FOR"] = "500ms" };
        AmbassadorOptions.FromEnvironment(k => env.GetValueOrDefault(k))
            .Should().Be(new AmbassadorOptions("db", 5432, "0.0.0.0", 5432, TimeSpan.FromMilliseconds(500)));
        env["AMBASSADOR_LISTEN"] = "127.0.0.1:7000";
        AmbassadorOptions.FromEnvironment(k => env.GetValueOrDefault(k)).ListenPort.Should().Be(7000);
        AmbassadorOptions.FromEnvironment(k => env.GetValueOrDefault(k)).TargetFile.Should().Be(AmbassadorOptions.DefaultTargetFile);
        env["AMBASSADOR_TARGET_FILE"] = "";
        AmbassadorOptions.FromEnvironment(k => env.GetValueOrDefault(k)).TargetFile.Should().BeNull("empty turns the file off");
        FluentActions.Invoking(() => AmbassadorOptions.FromEnvironment(_ => null)).Should().Throw<ArgumentException>().WithMessage("*AMBASSADOR_TARGET*");
    }

    private sealed class Running(Proxy proxy, Task run, CancellationTokenSource stop, StringWriter log) : IAsyncDisposable
    {
        public IPEndPoint EndPoint => proxy.LocalEndPoint!;
        public StringWriter Log => log;
        public async ValueTask DisposeAsync() { await stop.CancelAsync(); await run; stop.Dispose(); }
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ambassador-test-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static async Task<Running> StartAsync(int targetPort, TimeSpan? retryFor = null, string? targetFile = null)
    {
        var log = new StringWriter();
        var options = new AmbassadorOptions("127.0.0.1", targetPort, "127.0.0.1", 0, retryFor ?? TimeSpan.FromSeconds(20)) { TargetFile = targetFile };
        var proxy = new Proxy(options, log);
        var stop = new CancellationTokenSource();
        var run = proxy.RunAsync(stop.Token);
        await WaitUntil(() => proxy.LocalEndPoint is not null, "the ambassador to listen");
        return new Running(proxy, run, stop, log);
    }

    /// <summary>Sends the text, half-closes, and returns everything the other side sent until it closed.</summary>
    private static async Task<string> RequestAsync(IPEndPoint endPoint, string text)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(client);
    }

    /// <summary>Accepts one connection, reads the request to its end, answers "pong:REQUEST" or closes without a byte.</summary>
    private static async Task ServeAsync(TcpListener listener, bool answer)
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var socket = await listener.AcceptSocketAsync(cts.Token);
        var request = await ReadToEndAsync(socket);
        if (answer) await socket.SendAsync(Encoding.ASCII.GetBytes("pong:" + request), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Both);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) is var n and > 0)
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        catch (SocketException) { }
        return text.ToString();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(20);
        }
    }
}
