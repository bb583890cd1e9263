package io.pulse.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The CRM's users ({@code salesforce__user}) that a CS team is made of. */
public final class CrmUsers {
    /** A user: the queue name derived from their e-mail, the e-mail (lower case) and their full name. */
    public record User(String agent, String email, String name) {}

    private CrmUsers() {}

    /**
     * The active users whose role is in Customer Success, by e-mail; each one's queue name is the
     * e-mail's local part ({@code jane.doe@...} works the queue as {@code jane.doe}).
     */
    public static List<User> customerSuccess(String historyUrl) throws SQLException {
        List<User> users = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lower(trim(email)), name FROM salesforce__user"
                     + " WHERE is_active = 1 AND user_role_name LIKE 'Customer Success%' AND email LIKE '%_@_%'"
                     + " ORDER BY 1")) {
            while (rs.next()) {
                String email = rs.getString(1);
                users.add(new User(email.substring(0, email.indexOf('@')).toLowerCase(Locale.ROOT), email,
                        rs.getString(2)));
            }
        }
        return users;
    }
}
