package main

import (
	"crypto/rand"

	"golang.org/x/crypto/bcrypt"
)

// demoHash is bcrypt("123456"): the chapter's demo user guang / 123456.
// Only the hash is stored, never the password.
const demoHash = "$2a$10$c2MzzHP9diAY/0wbN5fFQOAaTPGXZH3HmiKGF3fglv7MOyT4gTz8u"

// demoDummyHash is the demo store's dummy hash: bcrypt, at demoHash's cost,
// of a random password nobody kept. Computed once, so that starting the
// server does not spend a bcrypt hash on it.
const demoDummyHash = "$2a$10$FtvnWDK84kKkNWoJXa/46uihMVqnK2DH5pazu6OsIHPKyb6iPFF6i"

// Users checks passwords against bcrypt hashes.
type Users struct {
	hashes map[string][]byte

	// dummy is compared against when the user does not exist, so that an
	// unknown user costs as much time as a wrong password: response times
	// do not reveal which usernames exist. It hashes a password nobody
	// knows, at the cost of the stored hashes.
	dummy []byte
}

// NewUsers returns a store of the given username → bcrypt hash pairs, with
// a dummy hash as costly as the costliest of them.
func NewUsers(hashes map[string][]byte) *Users {
	return &Users{hashes: hashes, dummy: newDummyHash(hashes)}
}

// DemoUsers returns the store with the chapter's one demo user.
func DemoUsers() *Users {
	return &Users{
		hashes: map[string][]byte{"guang": []byte(demoHash)},
		dummy:  []byte(demoDummyHash),
	}
}

// newDummyHash hashes a random password at the highest cost found in
// hashes (bcrypt.DefaultCost when there is none).
func newDummyHash(hashes map[string][]byte) []byte {
	cost := 0
	for _, hash := range hashes {
		if c, err := bcrypt.Cost(hash); err == nil && c > cost {
			cost = c
		}
	}
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	if err != nil { // cannot happen: the cost is one bcrypt accepted
		return []byte(demoDummyHash)
	}
	return dummy
}

// Check reports whether password is the password of username.
func (u *Users) Check(username, password string) bool {
	hash, ok := u.hashes[username]
	if !ok {
		hash = u.dummy
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return ok && err == nil
}
