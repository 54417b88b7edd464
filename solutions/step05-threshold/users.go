package main

import "golang.org/x/crypto/bcrypt"

// demoHash is bcrypt("123456"): the chapter's demo user guang / 123456.
// Only the hash is stored, never the password.
const demoHash = "$2a$10$c2MzzHP9diAY/0wbN5fFQOAaTPGXZH3HmiKGF3fglv7MOyT4gTz8u"

// dummyHash is compared against when the user does not exist, so that an
// unknown user costs as much time as a wrong password: response times do
// not reveal which usernames exist.
const dummyHash = "$2a$10$FtvnWDK84kKkNWoJXa/46uihMVqnK2DH5pazu6OsIHPKyb6iPFF6i"

// Users checks passwords against bcrypt hashes.
type Users struct {
	hashes map[string][]byte
}

// NewUsers returns a store of the given username → bcrypt hash pairs.
func NewUsers(hashes map[string][]byte) *Users {
	return &Users{hashes: hashes}
}

// DemoUsers returns the store with the chapter's one demo user.
func DemoUsers() *Users {
	return NewUsers(map[string][]byte{"guang": []byte(demoHash)})
}

// Check reports whether password is the password of username.
func (u *Users) Check(username, password string) bool {
	hash, ok := u.hashes[username]
	if !ok {
		hash = []byte(dummyHash)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return ok && err == nil
}
