using System.Runtime.CompilerServices;
using System.Text;
using Composer.Core.Engine;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>The logs the commands show (<see cref="IContainerEngine"/>).</summary>
public sealed partial class DockerEngine
{
    public async IAsyncEnumerable<LogLine> LogsAsync(string container, bool follow, string? tail, bool timestamps,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = await Call(() => _client.Containers.GetContainerLogsAsync(container, new ContainerLogsParameters
        {
            ShowStdout = true, ShowStderr = true, Follow = follow, Tail = tail ?? "all", Timestamps = timestamps,
        }, cancellationToken), $"logs of container {container}").ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        var pending = new Dictionary<LogStream, StringBuilder> { [LogStream.Stdout] = new(), [LogStream.Stderr] = new() };
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF) break;
            var kind = read.Target == global::Docker.DotNet.MultiplexedStream.TargetStream.StandardError ? LogStream.Stderr : LogStream.Stdout;
            var sb = pending[kind];
            sb.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            var text = sb.ToString();
            var lastNewline = text.LastIndexOf('\n');
            if (lastNewline < 0) continue;
            foreach (var line in text[..lastNewline].Split('\n')) yield return new LogLine(container, kind, line.TrimEnd('\r'));
            sb.Clear().Append(text[(lastNewline + 1)..]);
        }
        foreach (var (kind, sb) in pending)
            if (sb.Length > 0) yield return new LogLine(container, kind, sb.ToString());
    }
}
