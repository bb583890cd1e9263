package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomerRollingStateTest {
    private static final String KEY = "acme.com";
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    @Test
    void aStateComesBackFieldByField() {
        CustomerRollingState state = fullState();

        CustomerRollingState back = CustomerRollingState.unpack(state.pack(KEY), KEY);

        assertThat(back).usingRecursiveComparison().isEqualTo(state);
        assertThat(back.pack(KEY)).as("packing again gives the same bytes").isEqualTo(state.pack(KEY));
    }

    @Test
    void everyFieldOfTheSnapshotsAndEpisodeIsPacked() throws Exception {
        // Filled by reflection: a field added to one of these classes and not packed fails here.
        CustomerRollingState state = new CustomerRollingState();
        state.account = filled(new Account());
        state.profile = filled(new CustomerProfile());
        state.subscription = filled(new Subscription());
        state.planChange = filled(new PlanChangeEpisode());

        assertThat(CustomerRollingState.unpack(state.pack(KEY), KEY)).usingRecursiveComparison().isEqualTo(state);
    }

    @Test
    void snapshotIdsOtherThanTheKeyAreKeptAsTheyWere() {
        CustomerRollingState state = fullState();
        state.account.setCustomerId(null);
        state.profile.setCustomerId("other.example");
        state.planChange.oldPlan = null;
        state.profile.setCustomerTier(null);

        CustomerRollingState back = CustomerRollingState.unpack(state.pack(KEY), KEY);

        assertThat(back).usingRecursiveComparison().isEqualTo(state);
        assertThat(back.account.getCustomerId()).isNull();
        assertThat(back.profile.getCustomerId()).isEqualTo("other.example");
        assertThat(back.subscription.getCustomerId()).isEqualTo(KEY);
    }

    @Test
    void aCustomerWithNothingButBucketsPacksSmall() {
        CustomerRollingState state = new CustomerRollingState();
        state.firstEventDay = 20_000;
        DayActivity usage = new DayActivity();
        usage.usage = 2;
        usage.firstUsageAt = 20_000 * DAY_MS + 1;
        usage.lastUsageAt = 20_000 * DAY_MS + 2;
        state.days.put(20_000L, usage);

        byte[] packed = state.pack(KEY);
        CustomerRollingState back = CustomerRollingState.unpack(packed, KEY);

        assertThat(back).usingRecursiveComparison().isEqualTo(state);
        assertThat(back.account).isNull();
        assertThat(back.planChange).isNull();
        // layout, flags, first day (3 bytes), one bucket of usage (count, gap of 3 bytes, 7 counts, 2 times, close, 2 sizes)
        assertThat(packed).hasSize(1 + 1 + 3 + 1 + 3 + 7 + 2 + 1 + 2);
    }

    @Test
    void anOwnerIsPackedOnlyWhenThereIsOneSoStatesFromBeforeOwnersReadAsUnowned() {
        CustomerRollingState unowned = fullState();
        byte[] before = unowned.pack(KEY);
        CustomerRollingState owned = fullState();
        owned.account.setOwner("dana.doe@cs.example");

        byte[] packed = owned.pack(KEY);

        assertThat(CustomerRollingState.unpack(packed, KEY).account.getOwner()).isEqualTo("dana.doe@cs.example");
        assertThat(packed).as("the owner's length and 19 characters more").hasSize(before.length + 1 + 19);
        assertThat(CustomerRollingState.unpack(before, KEY).account.getOwner()).isNull();
    }

    @Test
    void aLayoutItDoesNotKnowIsRefused() {
        byte[] packed = fullState().pack(KEY);
        packed[0] = (byte) (CustomerRollingState.LAYOUT + 1);
        assertThatThrownBy(() -> CustomerRollingState.unpack(packed, KEY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown layout");
    }

    /** Every field set, most to values the job sees, some to edge cases. */
    private static CustomerRollingState fullState() {
        CustomerRollingState s = new CustomerRollingState();
        s.firstEventDay = 20_089;
        Account a = new Account();
        a.setCustomerId(KEY);
        a.setAccountName("Apex Nutrition");
        a.setIndustry("Technology");
        a.setSizeSegment("Large");
        a.setEmployees(1_944);
        a.setAnnualRevenue(581_752_095.55);
        a.setTotalWonAmount(-0.0);
        a.setPipelineAmount(0.1 + 0.2);
        a.setTotalContacts(34);
        a.setContactsWithEmail(34);
        a.setDaysSinceLastActivity(-1);
        a.setActivities30d(Integer.MAX_VALUE);
        s.account = a;
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(KEY);
        p.setCustomerTier("Silver");
        p.setEstimatedLtv(8_339.14);
        p.setMonetaryScore(4);
        p.setActivityRiskLevel("High Activity Risk");
        p.setEngagementVelocity("Declining");
        p.setSourceHealthScore(92.47);
        p.setCompositeEngagementScore(19.79);
        p.setMarketingToSalesDays(12);
        p.setSalesToSupportDays(Integer.MIN_VALUE);
        p.setZendeskActive(true);
        p.setChurnProbability(0.039);
        s.profile = p;
        Subscription sub = new Subscription();
        sub.setCustomerId(KEY);
        sub.setPlanName("Growth");
        sub.setSeats(142);
        sub.setMonthlySpend(2_395.0);
        sub.setSegment(Subscription.RENEWAL);
        s.subscription = sub;
        PlanChangeEpisode e = new PlanChangeEpisode();
        e.direction = PlanChangeWindow.DOWNGRADE;
        e.source = PlanChangeWindow.PLAN_CHANGE;
        e.changedAt = 20_100 * DAY_MS + 36_000_000;
        e.changeDay = 20_100;
        e.oldPlan = "Scale";
        e.newPlan = "Growth";
        e.daysObservedBefore = 11;
        e.baselineConversations = 3;
        e.preConversations = 7;
        e.baselineBugOrOutage = 1;
        e.preBugOrOutage = 2;
        e.preAverageRating = 3.5714285714285716;
        e.emitted = true;
        s.planChange = e;
        DayActivity talk = new DayActivity();
        talk.conversations = 2;
        talk.rated = 1;
        talk.ratingSum = 4;
        talk.lastCloseAt = 20_101 * DAY_MS + 5;
        talk.conversationTimes.add(20_101 * DAY_MS + 1);
        talk.conversationTimes.add(20_101 * DAY_MS + 2);
        talk.firstResponseMinutes.add(12.5);
        s.days.put(20_101L, talk);
        s.days.put(20_140L, new DayActivity());
        return s;
    }

    /** Every instance field set to a value of its own, none the default. */
    private static <T> T filled(T object) throws IllegalAccessException {
        int n = 1;
        for (Field f : object.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Class<?> type = f.getType();
            if (type == int.class) {
                f.setInt(object, n);
            } else if (type == long.class) {
                f.setLong(object, 1_000_000_000_000L + n);
            } else if (type == double.class) {
                f.setDouble(object, n + 0.125);
            } else if (type == boolean.class) {
                f.setBoolean(object, true);
            } else if (type == String.class) {
                f.set(object, f.getName() + "-" + n);
            } else {
                throw new IllegalArgumentException("no value for " + f);
            }
            n++;
        }
        return object;
    }
}
