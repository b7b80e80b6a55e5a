using LineConnector.Core.Channels;
using LineConnector.Core.Privacy;
using LineConnector.Core.Storage;

namespace LineConnector.Tests.Support;

/// <summary>A <see cref="SensitiveLogging"/> over a channel store with no channels: it masks every id (as for a channel it cannot read).</summary>
internal static class SensitiveLoggingSamples
{
    public static SensitiveLogging Create(TimeProvider clock) =>
        new(new ChannelCache(new ChannelRepository(new InMemoryTableStore()), clock), new UserIdHasher(new byte[32]));
}
