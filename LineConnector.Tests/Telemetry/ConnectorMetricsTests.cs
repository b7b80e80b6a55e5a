using System.Diagnostics.Metrics;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Telemetry;

namespace LineConnector.Tests.Telemetry;

/// <summary>How enquiry changes are counted, read with a <see cref="MeterListener"/> on a channel no other test uses.</summary>
public sealed class ConnectorMetricsTests : IDisposable
{
    private readonly string _channel = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public ConnectorMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConnectorTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var all = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                all[tag.Key] = tag.Value;
            }

            if (Equals(all.GetValueOrDefault(ConnectorTelemetry.ChannelAttribute), _channel))
            {
                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, value, all));
                }
            }
        });
        _listener.Start();
    }

    private static Enquiry In(EnquiryState state, EnquiryCloser? closedBy = null) => new()
    {
        Id = "e",
        SourceId = "U1",
        State = state,
        OpenedAt = DateTimeOffset.UnixEpoch,
        LastActivityAt = DateTimeOffset.UnixEpoch,
        ClosedBy = closedBy,
    };

    private long Count(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    [Fact]
    public void An_inserted_enquiry_is_opened_and_missed_too_when_it_starts_missed()
    {
        ConnectorMetrics.EnquiryWritten(_channel, null, In(EnquiryState.Open));
        ConnectorMetrics.EnquiryWritten(_channel, null, In(EnquiryState.Missed));

        Count(ConnectorMetrics.EnquiriesOpenedName).Should().Be(2);
        Count(ConnectorMetrics.EnquiriesMissedName).Should().Be(1);
        Count(ConnectorMetrics.EnquiriesClosedName).Should().Be(0);
    }

    [Fact]
    public void Each_change_into_missed_or_closed_counts_once_and_other_writes_count_nothing()
    {
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Open), In(EnquiryState.Open));
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Open), In(EnquiryState.Missed));
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Missed), In(EnquiryState.Missed));
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Missed), In(EnquiryState.Ongoing));
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Ongoing), In(EnquiryState.Closed, EnquiryCloser.AutoClose));
        ConnectorMetrics.EnquiryWritten(_channel, In(EnquiryState.Closed, EnquiryCloser.AutoClose), In(EnquiryState.Closed, EnquiryCloser.AutoClose));

        Count(ConnectorMetrics.EnquiriesOpenedName).Should().Be(0);
        Count(ConnectorMetrics.EnquiriesMissedName).Should().Be(1);
        _measurements.Where(m => m.Instrument == ConnectorMetrics.EnquiriesClosedName).Should().ContainSingle()
            .Which.Tags[ConnectorTelemetry.EnquiryClosedByAttribute].Should().Be("auto-close");
    }

    public void Dispose() => _listener.Dispose();
}
